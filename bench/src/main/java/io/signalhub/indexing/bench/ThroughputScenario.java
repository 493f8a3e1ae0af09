package io.signalhub.indexing.bench;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import io.signalhub.indexing.core.BatchEmbeddingProcessor;
import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.core.provider.EmbeddingProvider;
import io.signalhub.indexing.simulator.SimulatedEmbeddingServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * 1. Throughput: limits generous, latency realistic. Naive, fixed batches, the LangChain4j peer,
 * the library and the pipeline on one corpus; its naive row is what every {@code ratioVsNaive} of
 * the run compares with.
 */
final class ThroughputScenario implements Scenario {

  @Override
  public void run(BenchRun run) throws Exception {
    Corpus corpus = run.corpus();
    try (SimulatedEmbeddingServer server =
        SimulatedEmbeddingServer.start(SimulatorClients.realisticLatency().build())) {
      EmbeddingProvider provider = SimulatorClients.provider(server);
      List<Chunk> naiveSample =
          corpus.chunks.subList(0, Math.min(corpus.chunks.size(), run.quick() ? 60 : 600));
      Result naive =
          ClientMeasurement.measure(
              run,
              "throughput",
              "naive: 1 chunk/request, sequential",
              server,
              naiveSample,
              () -> {
                for (Chunk chunk : naiveSample) {
                  provider.embed(List.of(chunk.text()));
                }
              },
              null);
      run.add(naive);
      run.naiveRate(naive.chunksPerSecond());
      run.add(
          ClientMeasurement.measure(
              run,
              "throughput",
              "fixed batches of 100, sequential",
              server,
              corpus.chunks,
              () -> {
                for (int i = 0; i < corpus.chunks.size(); i += 100) {
                  provider.embed(
                      corpus.chunks.subList(i, Math.min(corpus.chunks.size(), i + 100)).stream()
                          .map(Chunk::text)
                          .toList());
                }
              },
              null));
      List<TextSegment> segments =
          corpus.chunks.stream().map(c -> TextSegment.from(c.text())).toList();
      OpenAiEmbeddingModel peer = SimulatorClients.peer(server).maxRetries(0).build();
      run.add(
          ClientMeasurement.measure(
              run,
              "throughput",
              "peer: LangChain4j OpenAiEmbeddingModel.embedAll, defaults",
              server,
              corpus.chunks,
              () -> peer.embedAll(segments),
              "langchain4j-open-ai 1.19.0"));
      OpenAiEmbeddingModel tuned = SimulatorClients.peer(server).maxSegmentsPerBatch(256).build();
      Result tunedPeer =
          ClientMeasurement.measure(
              run,
              "throughput",
              "peer: LangChain4j embedAll, maxSegmentsPerBatch=256 by hand",
              server,
              corpus.chunks,
              () -> tuned.embedAll(segments),
              "256 x 512 tokens fits 300,000 tokens per request; the peer does not count tokens");
      run.add(tunedPeer);
      BatchEmbeddingProcessor original =
          new BatchEmbeddingProcessor(100, 3, Duration.ofSeconds(1), 5, provider);
      run.add(
          ClientMeasurement.measure(
              run,
              "throughput",
              "library: batchSize 100, 5 in flight (the original's defaults)",
              server,
              corpus.chunks,
              () -> embedAll(original, corpus.chunks),
              "the compatible constructor BatchEmbeddingProcessor(100, 3, 1 s, 5, provider)"));
      BatchEmbeddingProcessor library =
          BatchEmbeddingProcessor.builder().provider(provider).build();
      run.add(
          ClientMeasurement.measure(
                  run,
                  "throughput",
                  "library: requests sized by the provider (builder defaults)",
                  server,
                  corpus.chunks,
                  () -> embedAll(library, corpus.chunks),
                  "no batchSize: up to 2,048 inputs / 300,000 tokens, each answered within 2 s,"
                      + " up to "
                      + BatchEmbeddingProcessor.AUTO_MAX_CONCURRENT_BATCHES
                      + " in flight; vs peer: over the row maxSegmentsPerBatch=256")
              .withRatioVsPeer(tunedPeer.chunksPerSecond()));
      server.stats().reset();
      run.add(
          StackRun.pipeline(
              run,
              "throughput",
              "pipeline: local stack, 4 embedders",
              server,
              corpus.files,
              Map.of("signal-hub.concurrency", "4", "signal-hub.embedding.batch-size", "100")));
    }
  }

  private static void embedAll(BatchEmbeddingProcessor processor, List<Chunk> chunks) {
    processor.processWithProgress(chunks).collect().last().await().indefinitely();
  }
}
