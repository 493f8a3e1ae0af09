package io.signalhub.indexing.bench;

import io.signalhub.indexing.core.BatchEmbeddingProcessor;
import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.core.provider.EmbeddingProvider;
import io.signalhub.indexing.core.provider.EmbeddingProviders;
import io.signalhub.indexing.core.provider.ProviderSettings;
import io.signalhub.indexing.simulator.DenseCode;
import io.signalhub.indexing.simulator.ScaledClock;
import io.signalhub.indexing.simulator.SimulatedEmbeddingServer;
import io.signalhub.indexing.simulator.SimulatorSettings;
import io.signalhub.indexing.simulator.SimulatorStats;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * 2b. A quota smaller than one batch: a 40,000 tokens/min quota (a free-tier key, many Azure
 * deployments) against default batches of 100 chunks near 480 tokens (about 48,000 tokens: more
 * than the provider ever accepts in one request), limits not configured. Both sides run on a clock
 * {@value #QUOTA_TIME_SCALE} times faster than real time (simulator timeScale, client ScaledClock),
 * so 24 minutes of quota take about 72 s; seconds and chunks/s are simulated time. Targets: 0
 * failed, 429s at most 5% of requests, time at most 1.5 × tokens ÷ quota.
 */
final class QuotaScenario implements Scenario {

  /** Simulated seconds per real second in the quota scenario. */
  private static final double QUOTA_TIME_SCALE = 20;

  @Override
  public void run(BenchRun run) throws Exception {
    long quota = 40_000;
    List<Chunk> chunks =
        DenseCode.texts(run.quick() ? 400 : 2_000, 480, Corpus.SEED).stream()
            .map(Chunk::of)
            .toList();
    for (SimulatorSettings.TooLarge shape : SimulatorSettings.TooLarge.values()) {
      if (run.quick() && shape != SimulatorSettings.TooLarge.OPENAI_429) {
        continue;
      }
      SimulatorSettings settings =
          quotaSettings(quota, shape)
              .azure(shape == SimulatorSettings.TooLarge.AZURE_413)
              .apiKey(shape == SimulatorSettings.TooLarge.AZURE_413 ? "bench" : null)
              .build();
      try (SimulatedEmbeddingServer server = SimulatedEmbeddingServer.start(settings)) {
        boolean azure = shape == SimulatorSettings.TooLarge.AZURE_413;
        ScaledClock clock = new ScaledClock(QUOTA_TIME_SCALE);
        EmbeddingProvider provider =
            azure
                ? EmbeddingProviders.create(
                    new ProviderSettings(
                        "azure-openai",
                        Bench.MODEL,
                        Bench.DIMENSIONS,
                        null,
                        "bench",
                        null,
                        new ProviderSettings.Azure(
                            server.azureEndpoint(), Bench.MODEL, null, null)))
                : SimulatorClients.provider(server);
        BatchEmbeddingProcessor processor =
            BatchEmbeddingProcessor.builder()
                .provider(provider)
                // the scenario's premise: the original's batches of 100, each above the quota
                .batchSize(100)
                // Azure reports no limits, only what remains: its quota is configured
                .tokensPerMinute(azure ? quota : 0)
                .clock(clock)
                .sleeper(clock::sleep)
                .build();
        long started = clock.millis();
        var last = processor.processWithProgress(chunks).collect().last().await().indefinitely();
        double seconds = (clock.millis() - started) / 1000.0;
        run.add(
            quotaRow(
                "library, quota smaller than a batch ("
                    + shape.name().toLowerCase(Locale.ROOT).replace('_', ' ')
                    + (azure ? ", azure-openai, quota configured" : ", limits learned")
                    + ")",
                chunks.size(),
                seconds,
                last.done(),
                last.failed(),
                server.stats(),
                quota));
      }
    }
    pipeline(run, chunks, quota, SimulatorSettings.TooLarge.OPENAI_429);
    if (!run.quick()) {
      pipeline(run, chunks, quota, SimulatorSettings.TooLarge.BARE_413);
    }
  }

  /**
   * The same quota and chunks through the pipeline on the local stack: one file per chunk, 4
   * embedders learning the limits nobody configured and sharing them through DynamoDB, on the same
   * scaled clock. Time runs from the manifest's upload to COMPLETED, fan-out included.
   */
  private static void pipeline(
      BenchRun run, List<Chunk> chunks, long quota, SimulatorSettings.TooLarge shape)
      throws Exception {
    SimulatorSettings settings = quotaSettings(quota, shape).build();
    Map<String, String> files = new LinkedHashMap<>();
    for (int i = 0; i < chunks.size(); i++) {
      files.put(String.format("dense/dense_%05d.py", i), chunks.get(i).text());
    }
    try (SimulatedEmbeddingServer server = SimulatedEmbeddingServer.start(settings)) {
      server.stats().reset();
      StackRun stackRun =
          StackRun.pipeline(
              run,
              "rate-limit",
              "pipeline, quota smaller than a batch ("
                  + (shape == SimulatorSettings.TooLarge.OPENAI_429 ? "openai 429" : "bare 413")
                  + ", limits learned)",
              server,
              files,
              Map.of("signal-hub.concurrency", "4"),
              new ScaledClock(QUOTA_TIME_SCALE));
      Result r = stackRun.result();
      run.add(
          quotaRow(
              r.scenario(),
              r.chunks(),
              r.seconds(),
              stackRun.job().path("completed").asLong(),
              stackRun.job().path("failed").asLong(),
              server.stats(),
              quota));
    }
  }

  /** The simulator of the quota scenario: that quota, that answer to a too-large request. */
  private static SimulatorSettings.Builder quotaSettings(
      long quota, SimulatorSettings.TooLarge shape) {
    return SimulatorSettings.builder()
        .dimensions(Bench.DIMENSIONS)
        .fixedLatencyMillis(Bench.FIXED_LATENCY_MS)
        .tokensPerMinute(quota)
        .timeScale(QUOTA_TIME_SCALE)
        .tooLarge(shape);
  }

  /** A row of the quota scenario: failed, 429s as a share of requests, time over tokens ÷ quota. */
  private static Result quotaRow(
      String scenario,
      long chunks,
      double seconds,
      long done,
      long failed,
      SimulatorStats stats,
      long quota) {
    double ideal = stats.tokens() * 60.0 / quota;
    return Result.row("rate-limit", scenario)
        .chunks(chunks)
        .seconds(seconds)
        .chunksPerSecond(done / seconds)
        .served(stats)
        .rateLimitUtilisation(stats.tokens() / (quota * seconds / 60.0))
        .note(
            String.format(
                "%,d tpm quota, default batches of ~48,000 tokens; failed %d; 429s %.1f%% of"
                    + " requests; %d refused as too large; time %.2f x tokens/quota;"
                    + " clock x%.0f (simulated seconds)",
                quota,
                failed,
                100.0 * stats.throttled() / Math.max(1, stats.requests()),
                stats.tooLarge(),
                seconds / ideal,
                QUOTA_TIME_SCALE))
        .build();
  }
}
