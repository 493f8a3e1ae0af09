package io.signalhub.indexing.bench;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import io.signalhub.indexing.core.BatchEmbeddingProcessor;
import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.core.provider.LocalMiniLmProvider;
import java.util.ArrayList;
import java.util.List;

/** 5. The embedded model: one chunk at a time, the model's own embedAll, the library's batching. */
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
      double oneByOne =
          measure(
              run,
              "one chunk at a time",
              sample.size(),
              sample.size(),
              null,
              "all-MiniLM-L6-v2 (quantized), in process",
              () -> {
                for (Chunk chunk : sample) {
                  local.embed(List.of(chunk.text()));
                }
              });
      var stock = new AllMiniLmL6V2QuantizedEmbeddingModel();
      measure(
          run,
          "the model's default embedAll",
          sample.size(),
          1,
          oneByOne,
          "langchain4j's default ONNX session and executor",
          () -> stock.embedAll(sample.stream().map(c -> TextSegment.from(c.text())).toList()));
      // batches of 64, the model's request limit, as sizing by the provider ends up: the row's
      // request count stays exact
      BatchEmbeddingProcessor library =
          BatchEmbeddingProcessor.builder().provider(local).batchSize(64).build();
      measure(
          run,
          "library batching (1 intra-op thread per call, calls in parallel)",
          sample.size(),
          (sample.size() + 63) / 64,
          oneByOne,
          "batches of 64, " + Runtime.getRuntime().availableProcessors() + " parallel calls",
          () -> library.processWithProgress(sample).collect().last().await().indefinitely());
    }
  }

  /** Anything that embeds the sample once. */
  @FunctionalInterface
  private interface Work {
    void run() throws Exception;
  }

  /**
   * Times {@code work} over {@code chunks} chunks and adds its row; its rate in chunks per second.
   *
   * @param naiveRate the one-at-a-time rate the row is compared with; null: this is that row
   */
  private static double measure(
      BenchRun run,
      String name,
      int chunks,
      long requests,
      Double naiveRate,
      String note,
      Work work)
      throws Exception {
    long start = System.nanoTime();
    work.run();
    double rate = chunks / ((System.nanoTime() - start) / 1e9);
    run.add(
        Result.row("local-model", name)
            .chunks(chunks)
            .seconds(chunks / rate)
            .chunksPerSecond(rate)
            .requests(requests)
            .ratioVsNaive(naiveRate == null ? 1.0 : rate / naiveRate)
            .note(note)
            .build());
    return rate;
  }
}
