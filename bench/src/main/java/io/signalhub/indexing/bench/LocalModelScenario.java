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
      long start = System.nanoTime();
      for (Chunk chunk : sample) {
        local.embed(List.of(chunk.text()));
      }
      double oneByOne = sample.size() / ((System.nanoTime() - start) / 1e9);
      run.add(
          Result.row("local-model", "one chunk at a time")
              .chunks(sample.size())
              .seconds(sample.size() / oneByOne)
              .chunksPerSecond(oneByOne)
              .requests(sample.size())
              .ratioVsNaive(1.0)
              .note("all-MiniLM-L6-v2 (quantized), in process")
              .build());
      var stock = new AllMiniLmL6V2QuantizedEmbeddingModel();
      start = System.nanoTime();
      stock.embedAll(sample.stream().map(c -> TextSegment.from(c.text())).toList());
      double defaultRate = sample.size() / ((System.nanoTime() - start) / 1e9);
      run.add(
          Result.row("local-model", "the model's default embedAll")
              .chunks(sample.size())
              .seconds(sample.size() / defaultRate)
              .chunksPerSecond(defaultRate)
              .requests(1)
              .ratioVsNaive(defaultRate / oneByOne)
              .note("langchain4j's default ONNX session and executor")
              .build());
      // batches of 64, the model's request limit, as sizing by the provider ends up: the row's
      // request count stays exact
      BatchEmbeddingProcessor library =
          BatchEmbeddingProcessor.builder().provider(local).batchSize(64).build();
      start = System.nanoTime();
      library.processWithProgress(sample).collect().last().await().indefinitely();
      double libraryRate = sample.size() / ((System.nanoTime() - start) / 1e9);
      run.add(
          Result.row(
                  "local-model", "library batching (1 intra-op thread per call, calls in parallel)")
              .chunks(sample.size())
              .seconds(sample.size() / libraryRate)
              .chunksPerSecond(libraryRate)
              .requests((sample.size() + 63) / 64)
              .ratioVsNaive(libraryRate / oneByOne)
              .note(
                  "batches of 64, "
                      + Runtime.getRuntime().availableProcessors()
                      + " parallel calls")
              .build());
    }
  }
}
