package io.signalhub.indexing.bench;

import io.signalhub.indexing.core.manifest.ManifestWriter;
import io.signalhub.indexing.core.pipeline.Keys;
import io.signalhub.indexing.local.runtime.LocalRuntime;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * A scenario's files on a local stack, as a client puts them: the sources first (untimed, under
 * {@code sources/bench/}), then the manifest, whose upload starts the job's fan-out.
 */
final class StackSources {

  private static final String PREFIX = "sources/bench/";

  private StackSources() {}

  /** Uploads {@code files} (path to text), eight at a time. */
  static void upload(LocalRuntime stack, Map<String, String> files) throws Exception {
    var s3 = stack.pipeline().s3();
    ExecutorService uploads = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      files.forEach(
          (path, text) ->
              done.add(
                  uploads.submit(
                      () ->
                          s3.putObject(
                              r -> r.bucket(stack.bucket()).key(PREFIX + path),
                              RequestBody.fromString(text)))));
      for (Future<?> upload : done) {
        upload.get();
      }
    } finally {
      uploads.shutdownNow();
    }
  }

  /** The manifest of {@code files} as uploaded by {@link #upload}. */
  static String manifest(Map<String, String> files) {
    ManifestWriter manifest = new ManifestWriter("bench", PREFIX);
    files.forEach((path, text) -> manifest.file(path, text.getBytes(StandardCharsets.UTF_8)));
    return manifest.toJson();
  }

  /** Uploads a job's manifest: the stack's notification starts its fan-out. */
  static void putManifest(LocalRuntime stack, String jobId, String manifest) {
    stack
        .pipeline()
        .s3()
        .putObject(
            r -> r.bucket(stack.bucket()).key(Keys.manifest(jobId)),
            RequestBody.fromString(manifest));
  }
}
