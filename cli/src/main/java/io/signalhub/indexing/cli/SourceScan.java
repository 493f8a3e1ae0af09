package io.signalhub.indexing.cli;

import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.core.source.SkipReason;
import io.signalhub.indexing.core.source.SourceFile;
import io.signalhub.indexing.core.source.SourceText;
import io.signalhub.indexing.core.source.SourceWalker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A directory's files to index, read before any stack starts: the files the walk keeps that decode
 * as text, with their SHA-256, and every path skipped with why. A directory with nothing to index
 * is told at once, not after a stack has started and its fan-out found an empty manifest.
 *
 * @param sources the files to index, by path
 * @param skipped each path skipped (a skipped directory ends with '/'), with why, by path
 */
record SourceScan(Path root, List<Source> sources, Map<String, SkipReason> skipped) {

  /** A file to index and the SHA-256 of the bytes read. */
  record Source(SourceFile file, String sha256) {}

  static SourceScan of(Path root, long maxFileBytes) throws IOException {
    List<SourceFile> walked = new ArrayList<>();
    Map<String, SkipReason> skipped = new ConcurrentSkipListMap<>();
    new SourceWalker(maxFileBytes).walk(root, walked::add, skipped::put);
    List<Source> sources =
        walked.parallelStream()
            .map(file -> read(file, skipped))
            .filter(Objects::nonNull)
            .sorted(Comparator.comparing(source -> source.file().path()))
            .toList();
    return new SourceScan(root, sources, new TreeMap<>(skipped));
  }

  /** The file's hash if it is text; else null, with why in {@code skipped}. */
  private static Source read(SourceFile file, Map<String, SkipReason> skipped) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file.absolute());
    } catch (IOException e) {
      skipped.put(file.path(), SkipReason.UNREADABLE);
      return null;
    }
    SourceText.Decoded decoded = SourceText.decode(bytes);
    if (decoded.text() == null) {
      skipped.put(file.path(), decoded.skipped());
      return null;
    }
    return new Source(file, Chunk.sha256Hex(bytes));
  }

  /** Skips counted by reason, e.g. {BINARY=2, VENDORED_OR_GENERATED=1}. */
  Map<String, Long> skipCounts() {
    Map<String, Long> counts = new TreeMap<>();
    skipped.values().forEach(reason -> counts.merge(reason.name(), 1L, Long::sum));
    return counts;
  }

  /** Each skipped path with its reason's name, for the summary. */
  Map<String, String> skippedFiles() {
    return IndexSummary.skippedFiles(skipped);
  }

  /**
   * Why there is nothing to index, e.g. "nothing to index in repo: every file skipped (binary 2,
   * vendored or generated 1)"; empty when some file is to be indexed.
   */
  Optional<String> nothingToIndex() {
    if (!sources.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        "nothing to index in "
            + root
            + ": "
            + (skipped.isEmpty()
                ? "no files"
                : "every file skipped (" + IndexSummary.skipCountsText(skipCounts()) + ")"));
  }
}
