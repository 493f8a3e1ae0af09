package io.signalhub.indexing.cli;

import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.core.manifest.ManifestWriter;
import io.signalhub.indexing.core.source.SourceFile;
import io.signalhub.indexing.core.source.SourceText;
import io.signalhub.indexing.core.source.SourceWalker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Walks a directory, uploads the sources the bucket does not already hold (same key and SHA-256,
 * kept in the object's metadata), and writes the manifest (docs/manifest.schema.json).
 */
record SourceUploader(S3Client s3, String bucket, long maxFileBytes) {

  /** What was found, sent and skipped. */
  record Upload(
      String manifest, int files, int uploaded, int unchanged, Map<String, Long> skipped) {}

  /**
   * @param settings the manifest's per-job settings (empty: the stack's defaults)
   */
  Upload upload(Path root, String repository, String prefix, Map<String, ?> settings)
      throws Exception {
    List<SourceFile> files = new ArrayList<>();
    Map<String, Long> skipped = new TreeMap<>();
    new SourceWalker(maxFileBytes)
        .walk(root, files::add, (path, reason) -> skipped.merge(reason.name(), 1L, Long::sum));
    files.sort((a, b) -> a.path().compareTo(b.path()));
    Map<String, String> hashes = new ConcurrentHashMap<>();
    AtomicInteger uploaded = new AtomicInteger();
    AtomicInteger unchanged = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (SourceFile file : files) {
        work.add(
            pool.submit(
                () -> {
                  byte[] bytes = Files.readAllBytes(file.absolute());
                  SourceText.Decoded decoded = SourceText.decode(bytes);
                  if (decoded.text() == null) {
                    skipped.merge(decoded.skipped().name(), 1L, Long::sum);
                    return null;
                  }
                  String sha = Chunk.sha256Hex(bytes);
                  hashes.put(file.path(), sha);
                  String key = prefix + file.path();
                  if (sha.equals(storedSha(key))) {
                    unchanged.incrementAndGet();
                  } else {
                    s3.putObject(
                        r -> r.bucket(bucket).key(key).metadata(Map.of("sha256", sha)),
                        RequestBody.fromBytes(bytes));
                    uploaded.incrementAndGet();
                  }
                  return null;
                }));
      }
      for (Future<?> future : work) {
        future.get();
      }
    } finally {
      pool.shutdown();
    }
    ManifestWriter manifest =
        new ManifestWriter(repository, prefix).revision(revision(root)).settings(settings);
    for (SourceFile file : files) {
      String sha = hashes.get(file.path());
      if (sha != null) {
        manifest.file(file.path(), sha, file.size());
      }
    }
    synchronized (skipped) {
      return new Upload(manifest.toJson(), hashes.size(), uploaded.get(), unchanged.get(), skipped);
    }
  }

  private String storedSha(String key) {
    try {
      return s3.headObject(r -> r.bucket(bucket).key(key)).metadata().get("sha256");
    } catch (NoSuchKeyException e) {
      return null;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return null;
      }
      throw e;
    }
  }

  void putManifest(String key, String manifest) {
    s3.putObject(
        r -> r.bucket(bucket).key(key).contentType("application/json"),
        RequestBody.fromString(manifest, StandardCharsets.UTF_8));
  }

  /** The commit checked out, if the directory is a git work tree; else "working-tree". */
  static String revision(Path root) {
    try {
      Path head = root.resolve(".git/HEAD");
      if (!Files.exists(head)) {
        return "working-tree";
      }
      String text = Files.readString(head).trim();
      if (text.startsWith("ref: ")) {
        Path ref = root.resolve(".git").resolve(text.substring(5));
        return Files.exists(ref) ? Files.readString(ref).trim() : text.substring(5);
      }
      return text;
    } catch (IOException e) {
      return "working-tree";
    }
  }
}
