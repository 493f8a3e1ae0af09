package io.signalhub.indexing.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.pipeline.Keys;
import io.signalhub.indexing.core.pricing.ModelPrices;
import io.signalhub.indexing.local.runtime.LocalRuntime;
import io.signalhub.indexing.simulator.SimulatedEmbeddingServer;
import io.signalhub.indexing.simulator.SimulatorSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeSet;

/**
 * A first full index of one corpus twice on the local stack against one simulated provider: on
 * demand, then in economy mode (OpenAI's Batch API, served by the simulator with time-scaled
 * states), each stack with an empty cache. The row says whether both runs produced the same chunks
 * and the same vectors, and the price of the economy run against the on-demand one, as the provider
 * would bill it (batch tokens at half price, {@code SimulatorStats#batchTokens}).
 */
final class EconomyScenario implements Scenario {

  /** Simulated seconds a provider batch spends validating, in progress and finalizing. */
  private static final double VALIDATING = 2;

  private static final double IN_PROGRESS = 10;
  private static final double FINALIZING = 2;

  @Override
  public void run(BenchRun bench) throws Exception {
    // its own, smaller corpus: two whole pipeline runs plus the provider's batch turnaround
    Corpus corpus = Corpus.build(bench.repository(), bench.quick() ? 100 : 2_000);
    SimulatorSettings settings =
        SimulatorSettings.builder()
            .dimensions(Bench.DIMENSIONS)
            .batchDurations(VALIDATING, IN_PROGRESS, FINALIZING)
            .build();
    try (SimulatedEmbeddingServer server = SimulatedEmbeddingServer.start(settings)) {
      Run onDemand = index(server, corpus, Map.of(), "on-demand");
      Run economy =
          index(
              server,
              corpus,
              Map.of(
                  "signal-hub.mode", "economy",
                  "signal-hub.economy.poll-seconds", "1",
                  "signal-hub.economy.max-poll-seconds", "4"),
              "economy");
      double onDemandUsd = onDemand.usd();
      double economyUsd = economy.usd();
      bench.add(
          Result.row("cost", "first full index, economy vs on demand (openai batch api, simulated)")
              .chunks(economy.job.counters().total())
              .seconds(economy.seconds)
              .chunksPerSecond(economy.job.counters().total() / economy.seconds)
              .requests(economy.providerBatches)
              .tokens(economy.tokens + economy.batchTokens)
              .priceRatioVsOnDemand(onDemandUsd > 0 ? economyUsd / onDemandUsd : null)
              .sameChunks(economy.chunkIds.equals(onDemand.chunkIds))
              .sameVectors(economy.vectorLines.equals(onDemand.vectorLines))
              .note(
                  String.format(
                      "economy %s, on demand %s (%,d chunks, %.1f s); tokens: %,d through the"
                          + " batch API and %,d on demand vs %,d on demand; $%.6f vs $%.6f;"
                          + " requests = provider batches; provider batches validate %.0f s, run"
                          + " %.0f s, finalize %.0f s (simulated); polls from 1 s, doubling to 4 s",
                      economy.job.status(),
                      onDemand.job.status(),
                      onDemand.job.counters().total(),
                      onDemand.seconds,
                      economy.batchTokens,
                      economy.tokens,
                      onDemand.tokens + onDemand.batchTokens,
                      economyUsd,
                      onDemandUsd,
                      VALIDATING,
                      IN_PROGRESS,
                      FINALIZING))
              .build());
    }
  }

  private record Run(
      JobRecord job,
      double seconds,
      long tokens,
      long batchTokens,
      long providerBatches,
      TreeSet<String> chunkIds,
      TreeSet<String> vectorLines) {

    /** What the provider bills: tokens at the model's price, batch tokens at half of it. */
    double usd() {
      double perMillion = ModelPrices.estimateUsd(Bench.MODEL, 1_000_000).orElseThrow();
      return (tokens + batchTokens * ModelPrices.BATCH_PRICE_FACTOR) * perMillion / 1e6;
    }
  }

  private static Run index(
      SimulatedEmbeddingServer server, Corpus corpus, Map<String, String> config, String jobId)
      throws Exception {
    Bench.log("cost / first full index, %s ...", jobId);
    long tokensBefore = server.stats().tokens();
    long batchTokensBefore = server.stats().batchTokens();
    long batchesBefore = server.stats().batchesCreated();
    try (LocalRuntime stack = SimulatorClients.stack(server, config)) {
      StackSources.upload(stack, corpus.files);
      long start = System.nanoTime();
      StackSources.putManifest(stack, jobId, StackSources.manifest(corpus.files));
      JobRecord job = null;
      long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
      while (job == null || !job.status().terminal()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("job " + jobId + " did not finish: " + job);
        }
        Thread.sleep(100); // a harness waiting for a job, as a user would
        job = stack.pipeline().jobs().get(jobId).orElse(null);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      TreeSet<String> lines = new TreeSet<>();
      TreeSet<String> chunkIds = new TreeSet<>();
      for (String key : stack.pipeline().blobs().list(Keys.vectorsPrefix(jobId))) {
        for (String line :
            new String(stack.pipeline().blobs().read(key), StandardCharsets.UTF_8).split("\n")) {
          if (!line.isBlank()) {
            lines.add(line);
            JsonNode node = Bench.JSON.readTree(line);
            chunkIds.add(
                node.path("path").asText()
                    + ":"
                    + node.path("startLine").asText()
                    + "-"
                    + node.path("endLine").asText());
          }
        }
      }
      return new Run(
          job,
          seconds,
          server.stats().tokens() - tokensBefore,
          server.stats().batchTokens() - batchTokensBefore,
          server.stats().batchesCreated() - batchesBefore,
          chunkIds,
          lines);
    }
  }
}
