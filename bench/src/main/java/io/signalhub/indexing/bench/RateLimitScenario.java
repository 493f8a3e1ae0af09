package io.signalhub.indexing.bench;

import io.signalhub.indexing.core.BatchEmbeddingProcessor;
import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.simulator.SimulatedEmbeddingServer;
import io.signalhub.indexing.simulator.SimulatorSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * 2. The rate limit binds: the library with no {@code batchSize} (requests sized by the provider,
 * {@code RequestSizer}) and limits configured or learned from the headers, and the pipeline's 4
 * embedders sharing the DynamoDB budget, each with the share of the limit it used.
 */
final class RateLimitScenario implements Scenario {

  @Override
  public void run(BenchRun run) throws Exception {
    Corpus corpus = run.corpus();
    long tpm = run.quick() ? 180_000 : 1_200_000;
    long rpm = 3_000;
    // more tokens than one minute of budget: both sides' buckets start full, so the steady state
    // shows only after the first minute's worth has been spent
    List<Chunk> subset =
        corpus.chunks.subList(0, Math.min(corpus.chunks.size(), run.quick() ? 700 : 8_000));
    SimulatorSettings settings =
        SimulatorClients.realisticLatency().requestsPerMinute(rpm).tokensPerMinute(tpm).build();
    for (boolean configured : new boolean[] {true, false}) {
      try (SimulatedEmbeddingServer server = SimulatedEmbeddingServer.start(settings)) {
        BatchEmbeddingProcessor.Builder builder =
            BatchEmbeddingProcessor.builder()
                .provider(SimulatorClients.provider(server))
                .maxRetries(8);
        if (configured) {
          builder.requestsPerMinute(rpm).tokensPerMinute(tpm);
        }
        BatchEmbeddingProcessor library = builder.build();
        measureLimited(
            run,
            configured
                ? "library, requests sized by the provider, limits configured (token buckets)"
                : "library, requests sized by the provider, limits learned from headers",
            server,
            subset,
            tpm,
            () -> library.processWithProgress(subset).collect().last().await().indefinitely());
      }
    }
    try (SimulatedEmbeddingServer server = SimulatedEmbeddingServer.start(settings)) {
      Map<String, String> files = new LinkedHashMap<>();
      for (Chunk chunk : subset) {
        files.merge(chunk.path(), chunk.text(), (a, b) -> a + "\n" + b);
      }
      server.stats().reset();
      Result shared =
          StackRun.pipeline(
              run,
              "rate-limit",
              "pipeline, 4 embedders sharing the DynamoDB budget",
              server,
              files,
              Map.of(
                  "signal-hub.concurrency",
                  "4",
                  "signal-hub.rate.tokens-per-minute",
                  Long.toString(tpm),
                  "signal-hub.rate.requests-per-minute",
                  Long.toString(rpm),
                  "signal-hub.retry.max-retries",
                  "8"));
      run.add(ClientMeasurement.withUtilisation(shared, server, tpm));
    }
  }

  private static void measureLimited(
      BenchRun run,
      String name,
      SimulatedEmbeddingServer server,
      List<Chunk> chunks,
      long tpm,
      Runnable work) {
    Result measured =
        ClientMeasurement.measure(run, "rate-limit", name, server, chunks, work, null);
    run.add(ClientMeasurement.withUtilisation(measured, server, tpm));
  }
}
