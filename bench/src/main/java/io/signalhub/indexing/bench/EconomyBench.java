package io.signalhub.indexing.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.pipeline.Keys;
import io.signalhub.indexing.core.pricing.ModelPrices;
import io.signalhub.indexing.core.provider.ProviderSettings;
import io.signalhub.indexing.localstack.runtime.LocalStack;
import io.signalhub.indexing.simulator.SimulatedEmbeddingServer;
import io.signalhub.indexing.simulator.SimulatorSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * A first full index of one corpus twice on the local stack against one simulated provider: on
 * demand, then in economy mode (OpenAI's Batch API, served by the simulator with time-scaled
 * states), each stack with an empty cache. The row says whether both runs produced the same chunks
 * and the same vectors, and the price of the economy run against the on-demand one, as the provider
 * would bill it (batch tokens at half price, {@code SimulatorStats#billedUsd}).
 */
final class EconomyBench {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Simulated seconds a provider batch spends validating, in progress and finalizing. */
  private static final double VALIDATING = 2;

  private static final double IN_PROGRESS = 10;
  private static final double FINALIZING = 2;

  private EconomyBench() {}

  /** The row, as one JSON object. */
  static ObjectNode run(Corpus corpus) throws Exception {
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
      double price = ModelPrices.estimateUsd(Bench.MODEL, 1_000_000).orElseThrow();
      double onDemandUsd = (onDemand.tokens + onDemand.batchTokens * 0.5) * price / 1e6;
      double economyUsd = (economy.tokens + economy.batchTokens * 0.5) * price / 1e6;
      ObjectNode row = JSON.createObjectNode();
      row.put("part", "cost");
      row.put("scenario", "first full index, economy vs on demand (openai batch api, simulated)");
      row.put("chunks", economy.job.total());
      row.put("onDemandChunks", onDemand.job.total());
      row.put("sameChunks", economy.chunkIds.equals(onDemand.chunkIds));
      row.put("sameVectors", economy.vectorLines.equals(onDemand.vectorLines));
      row.put("onDemandStatus", onDemand.job.status().name());
      row.put("economyStatus", economy.job.status().name());
      row.put("onDemandSeconds", onDemand.seconds);
      row.put("seconds", economy.seconds);
      row.put("onDemandTokens", onDemand.tokens + onDemand.batchTokens);
      row.put("economyBatchTokens", economy.batchTokens);
      row.put("economyOnDemandTokens", economy.tokens);
      row.put("providerBatches", economy.providerBatches);
      row.put("onDemandUsd", onDemandUsd);
      row.put("economyUsd", economyUsd);
      row.put("priceRatioVsOnDemand", onDemandUsd > 0 ? economyUsd / onDemandUsd : null);
      row.put(
          "note",
          String.format(
              "provider batches validate %.0f s, run %.0f s, finalize %.0f s (simulated); polls"
                  + " from 1 s, doubling to 4 s",
              VALIDATING, IN_PROGRESS, FINALIZING));
      return row;
    }
  }

  private record Run(
      JobRecord job,
      double seconds,
      long tokens,
      long batchTokens,
      long providerBatches,
      TreeSet<String> chunkIds,
      TreeSet<String> vectorLines) {}

  private static Run index(
      SimulatedEmbeddingServer server, Corpus corpus, Map<String, String> config, String jobId)
      throws Exception {
    Bench.log("cost / first full index, %s ...", jobId);
    long tokensBefore = server.stats().tokens();
    long batchTokensBefore = server.stats().batchTokens();
    long batchesBefore = server.stats().batchesCreated();
    try (LocalStack stack =
        LocalStack.start(
            LocalStack.Ports.ANY,
            null,
            new ProviderSettings(
                "openai", Bench.MODEL, Bench.DIMENSIONS, server.baseUrl(), "bench", null),
            key -> Optional.ofNullable(config.get(key)))) {
      var s3 = stack.pipeline().s3();
      ObjectNode manifest = JSON.createObjectNode().put("version", 1);
      manifest.put("repository", "bench/economy");
      manifest.putObject("sources").put("prefix", "sources/economy/");
      ArrayNode files = manifest.putArray("files");
      for (Map.Entry<String, String> file : corpus.files.entrySet()) {
        byte[] bytes = file.getValue().getBytes(StandardCharsets.UTF_8);
        s3.putObject(
            r -> r.bucket(stack.bucket()).key("sources/economy/" + file.getKey()),
            RequestBody.fromBytes(bytes));
        files
            .addObject()
            .put("path", file.getKey())
            .put("sha256", Chunk.sha256Hex(bytes))
            .put("size", bytes.length);
      }
      long start = System.nanoTime();
      s3.putObject(
          r -> r.bucket(stack.bucket()).key(Keys.manifest(jobId)),
          RequestBody.fromBytes(JSON.writeValueAsBytes(manifest)));
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
            var node = JSON.readTree(line);
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
