package io.signalhub.indexing.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the scenarios of one {@code scripts/bench} run share: its size, the corpus (built on first
 * use), the rows so far, and the naive rate every {@code ratioVsNaive} is measured against.
 */
final class BenchRun {

  private final boolean quick;
  private final Path repository;
  private final List<Result> results = new ArrayList<>();
  private Corpus corpus;
  private double naiveRate;

  BenchRun(boolean quick, Path repository) {
    this.quick = quick;
    this.repository = repository;
  }

  /** The smaller run ({@code --quick}). */
  boolean quick() {
    return quick;
  }

  /** The repository whose sources every corpus starts from. */
  Path repository() {
    return repository;
  }

  /** This repository's sources plus generated files; built and logged when first asked for. */
  Corpus corpus() throws Exception {
    if (corpus == null) {
      corpus = Corpus.build(repository, quick ? 300 : 10_000);
      Bench.log(
          "Corpus: %,d chunks, %,d tokens (%,d files; this repository plus generated, seed %d)",
          corpus.chunks.size(), corpus.tokens(), corpus.files.size(), Corpus.SEED);
    }
    return corpus;
  }

  void add(Result result) {
    results.add(result);
  }

  List<Result> results() {
    return List.copyOf(results);
  }

  /** Sets the rate (chunks/s) of the naive row, which later rows are compared with. */
  void naiveRate(double chunksPerSecond) {
    naiveRate = chunksPerSecond;
  }

  /** {@code chunksPerSecond} over the naive row's rate; null before the naive row ran. */
  Double ratioVsNaive(double chunksPerSecond) {
    return naiveRate > 0 ? chunksPerSecond / naiveRate : null;
  }
}
