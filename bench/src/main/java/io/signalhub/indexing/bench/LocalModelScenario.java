package io.signalhub.indexing.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import io.signalhub.indexing.core.BatchEmbeddingProcessor;
import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.core.provider.LocalMiniLmModel;
import io.signalhub.indexing.core.provider.LocalMiniLmProvider;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * 5. The embedded model: one chunk at a time (the provider, and langchain4j's encoder the provider
 * used before), the model's own embedAll, the library's batching.
 */
final class LocalModelScenario implements Scenario {

  @Override
  public void run(BenchRun run) throws Exception {
    Corpus corpus = run.corpus();
    List<Chunk> sample = new ArrayList<>();
    try (LocalMiniLmProvider local = new LocalMiniLmProvider()) {
      // rechunk for the model's 128-wordpiece limit: the library truncates longer chunks by policy
      for (Chunk chunk :
          corpus.chunks.subList(0, Math.min(corpus.chunks.size(), run.quick() ? 200 : 1000))) {
        sample.add(Chunk.of(local.tokenCounter().truncate(chunk.text(), 128)));
      }
      int n = sample.size();
      double oneByOne =
          rate(
              n,
              () -> {
                for (Chunk chunk : sample) {
                  local.embed(List.of(chunk.text()));
                }
              });
      add(run, "one chunk at a time", n, n, oneByOne, oneByOne, "the provider, one chunk a call");
      // the provider's path before 2026-12-05: the same session settings, three tokenizations a
      // text
      AbstractInProcessEmbeddingModel encoder = langchain4jEncoderOnOneThread();
      double before =
          rate(
              n,
              () -> {
                for (Chunk chunk : sample) {
                  encoder.embed(chunk.text());
                  local.tokenCounter().count(chunk.text()); // the provider counted them, as now
                }
              });
      add(
          run,
          "one chunk at a time, langchain4j's encoder",
          n,
          n,
          before,
          oneByOne,
          "OnnxBertBiEncoder, 1 intra-op thread: what the provider ran before 2026-12-05");
      var stock = new AllMiniLmL6V2QuantizedEmbeddingModel();
      double stockRate =
          rate(
              n,
              () -> stock.embedAll(sample.stream().map(c -> TextSegment.from(c.text())).toList()));
      add(
          run,
          "the model's default embedAll",
          n,
          1,
          stockRate,
          oneByOne,
          "langchain4j's default ONNX session and executor");
      // batches of 64, the model's request limit, as sizing by the provider ends up: the row's
      // request count stays exact
      BatchEmbeddingProcessor library =
          BatchEmbeddingProcessor.builder().provider(local).batchSize(64).build();
      double batched =
          rate(
              n, () -> library.processWithProgress(sample).collect().last().await().indefinitely());
      add(
          run,
          "library batching (1 intra-op thread per call, calls in parallel)",
          n,
          (n + 63) / 64,
          batched,
          oneByOne,
          String.format(
              "batches of 64, %d parallel calls; %.1fx langchain4j's encoder one chunk at a time",
              Runtime.getRuntime().availableProcessors(), batched / before));
    }
  }

  /** langchain4j's {@code OnnxBertBiEncoder} on a session with one intra-op thread. */
  private static AbstractInProcessEmbeddingModel langchain4jEncoderOnOneThread() throws Exception {
    ClassLoader loader = LocalModelScenario.class.getClassLoader();
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    OrtSession session;
    try (InputStream weights = loader.getResourceAsStream(LocalMiniLmModel.weightsFileName());
        OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      session = environment.createSession(weights.readAllBytes(), options);
    }
    OnnxBertBiEncoder encoder;
    try (InputStream tokenizer = loader.getResourceAsStream(LocalMiniLmModel.tokenizerFileName())) {
      encoder = new OnnxBertBiEncoder(environment, session, tokenizer, PoolingMode.MEAN);
    }
    return new AbstractInProcessEmbeddingModel(Runnable::run) {
      @Override
      protected OnnxBertBiEncoder model() {
        return encoder;
      }

      @Override
      protected Integer knownDimension() {
        return LocalMiniLmModel.DIMENSIONS;
      }
    };
  }

  /** Anything that embeds the sample once. */
  @FunctionalInterface
  private interface Work {
    void run() throws Exception;
  }

  /** The process's CPU milliseconds per chunk in the last {@link #rate} measured. */
  private double cpuMsPerChunk;

  /**
   * Times {@code work} over {@code chunks} chunks: its rate in chunks per second. Also keeps the
   * CPU it cost the whole process per chunk, which other work on a shared machine does not inflate
   * the way it inflates wall time.
   */
  private double rate(int chunks, Work work) throws Exception {
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu = os.getProcessCpuTime();
    long start = System.nanoTime();
    work.run();
    double seconds = (System.nanoTime() - start) / 1e9;
    cpuMsPerChunk = (os.getProcessCpuTime() - cpu) / 1e6 / chunks;
    return chunks / seconds;
  }

  private void add(
      BenchRun run,
      String name,
      int chunks,
      long requests,
      double rate,
      double oneByOneRate,
      String note) {
    run.add(
        Result.row("local-model", name)
            .chunks(chunks)
            .seconds(chunks / rate)
            .chunksPerSecond(rate)
            .requests(requests)
            .ratioVsNaive(rate / oneByOneRate)
            .note(String.format("%s; %.1f CPU-ms a chunk", note, cpuMsPerChunk))
            .build());
  }
}
