package io.signalhub.indexing.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.signalhub.indexing.core.job.JobStatus;
import io.signalhub.indexing.core.manifest.ManifestWriter;
import io.signalhub.indexing.core.retry.Sleeper;
import io.signalhub.indexing.local.runtime.LocalRuntime;
import io.signalhub.indexing.simulator.ScaledClock;
import io.signalhub.indexing.simulator.SimulatedEmbeddingServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * A job through the whole pipeline on the local stack, timed from the manifest's upload to its end
 * through the status API: the job's row and the status API's last view of the job.
 */
record StackRun(Result result, JsonNode job) {

  /** A fresh local stack with {@code config} indexing {@code files}; its row. */
  static Result pipeline(
      BenchRun run,
      String part,
      String name,
      SimulatedEmbeddingServer server,
      Map<String, String> files,
      Map<String, String> config)
      throws Exception {
    return pipeline(run, part, name, server, files, config, null).result();
  }

  /**
   * A fresh local stack indexing {@code files}; with a {@code clock}, the pipeline and its
   * embedders' waits run on it and seconds are its (simulated) seconds.
   */
  static StackRun pipeline(
      BenchRun run,
      String part,
      String name,
      SimulatedEmbeddingServer server,
      Map<String, String> files,
      Map<String, String> config,
      ScaledClock clock)
      throws Exception {
    Bench.log("%s / %s ...", part, name);
    try (LocalRuntime stack =
        LocalRuntime.start(
            LocalRuntime.Ports.ANY,
            null,
            SimulatorClients.stackProvider(server),
            key -> Optional.ofNullable(config.get(key)),
            clock == null ? Clock.systemUTC() : clock,
            clock == null ? Sleeper.system() : clock::sleep)) {
      return onStack(
          run,
          stack,
          server,
          part,
          name,
          files,
          part + "-" + System.nanoTime(),
          clock == null ? 1 : clock.scale());
    }
  }

  /**
   * Uploads files and a manifest with the S3 SDK and times the job to COMPLETED through the status
   * API; seconds are real ones times {@code timeScale}.
   */
  static StackRun onStack(
      BenchRun run,
      LocalRuntime stack,
      SimulatedEmbeddingServer server,
      String part,
      String name,
      Map<String, String> files,
      String jobId,
      double timeScale)
      throws Exception {
    var s3 = stack.pipeline().s3();
    ManifestWriter manifest = new ManifestWriter("bench", "sources/bench/");
    files.forEach(
        (path, text) -> {
          byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
          s3.putObject(
              r -> r.bucket(stack.bucket()).key("sources/bench/" + path),
              RequestBody.fromBytes(bytes));
          manifest.file(path, bytes);
        });
    long requestsBefore = server.stats().requests();
    long throttledBefore = server.stats().throttled();
    long tokensBefore = server.stats().tokens();
    long start = System.nanoTime();
    s3.putObject(
        r -> r.bucket(stack.bucket()).key("manifests/" + jobId + ".json"),
        RequestBody.fromString(manifest.toJson()));
    HttpClient http = HttpClient.newHttpClient();
    JsonNode job;
    double fanOutSeconds = -1;
    while (true) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(stack.statusUrl() + "/jobs/" + jobId)).build(),
              HttpResponse.BodyHandlers.ofString());
      job = response.statusCode() == 200 ? Bench.JSON.readTree(response.body()) : null;
      if (job != null && fanOutSeconds < 0 && job.path("totalFinal").asBoolean()) {
        fanOutSeconds = (System.nanoTime() - start) / 1e9 * timeScale;
      }
      if (job != null && JobStatus.valueOf(job.path("status").asText()).terminal()) {
        break;
      }
      Thread.sleep(100);
    }
    double seconds = (System.nanoTime() - start) / 1e9 * timeScale;
    long chunks = job.path("total").asLong();
    double rate = chunks / seconds;
    Result result =
        Result.row(part, name)
            .chunks(chunks)
            .seconds(seconds)
            .chunksPerSecond(rate)
            .requests(server.stats().requests() - requestsBefore)
            .status429(server.stats().throttled() - throttledBefore)
            .tokens(server.stats().tokens() - tokensBefore)
            .ratioVsNaive(run.ratioVsNaive(rate))
            .note(
                String.format(
                    "%s, %d cached; time from manifest upload to COMPLETED; fan-out of %,d files"
                        + " took %.1f s (%,.0f files/min)",
                    job.path("status").asText(),
                    job.path("cached").asLong(),
                    files.size(),
                    fanOutSeconds,
                    files.size() / fanOutSeconds * 60))
            .build();
    return new StackRun(result, job);
  }
}
