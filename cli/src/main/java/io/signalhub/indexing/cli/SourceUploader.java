package io.signalhub.indexing.cli;

import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.core.manifest.ManifestWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * Uploads a directory's scanned sources the bucket does not already hold (same key and SHA-256,
 * kept in the object's metadata), and writes the manifest (docs/manifest.schema.json).
 */
record SourceUploader(S3Client s3, String bucket) {

  /** What was found, sent and skipped. */
  record Upload(String manifest, int uploaded, int unchanged, SourceScan scan) {
    int files() {
      return scan.sources().size();
    }
  }

  /**
   * Uploads the scanned files the bucket does not already hold and writes their manifest.
   *
   * @param settings the manifest's per-job settings (empty: the stack's defaults)
   */
  Upload upload(SourceScan scan, String repository, String prefix, Map<String, ?> settings)
      throws Exception {
    Map<String, String> hashes = new ConcurrentHashMap<>();
    AtomicInteger uploaded = new AtomicInteger();
    AtomicInteger unchanged = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (SourceScan.Source source : scan.sources()) {
        work.add(
            pool.submit(
                () -> {
                  String path = source.file().path();
                  String key = prefix + path;
                  if (source.sha256().equals(storedSha(key))) {
                    hashes.put(path, source.sha256());
                    unchanged.incrementAndGet();
                    return null;
                  }
                  // the bytes sent now, and their hash: the file may have changed since the scan
                  byte[] bytes = Files.readAllBytes(source.file().absolute());
                  String sha = Chunk.sha256Hex(bytes);
                  s3.putObject(
                      r -> r.bucket(bucket).key(key).metadata(Map.of("sha256", sha)),
                      RequestBody.fromBytes(bytes));
                  hashes.put(path, sha);
                  uploaded.incrementAndGet();
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
        new ManifestWriter(repository, prefix).revision(revision(scan.root())).settings(settings);
    for (SourceScan.Source source : scan.sources()) {
      manifest.file(source.file().path(), hashes.get(source.file().path()), source.file().size());
    }
    return new Upload(manifest.toJson(), uploaded.get(), unchanged.get(), scan);
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
