package io.signalhub.indexing.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.signalhub.indexing.core.progress.Progress;
import io.signalhub.indexing.core.provider.ProviderSettings;
import io.signalhub.indexing.core.source.SkipReason;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The end of an indexing run: what a person reads, or one JSON object a program parses.
 *
 * @param jobId the job
 * @param jobId the job; null when none started (nothing to index)
 * @param status COMPLETED, COMPLETED_WITH_FAILURES, FAILED or CANCELLED
 * @param skipped skips counted by reason: files, and chunks whose text held a secret
 * @param skippedFiles each file this run skipped (a directory ends with '/'), with its reason
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IndexSummary(
    String jobId,
    String status,
    String reason,
    String provider,
    String model,
    long files,
    Integer filesUploaded,
    long total,
    long completed,
    long failed,
    long cached,
    long batches,
    long apiCalls,
    long apiCallsSaved,
    long tokens,
    long truncated,
    Double estimatedCostUsd,
    double elapsedSeconds,
    double chunksPerSecond,
    Map<String, Long> skipped,
    Map<String, String> skippedFiles,
    List<String> failures) {

  /** How many skipped paths the text names; the JSON names all. */
  static final int SKIPPED_FILES_SHOWN = 5;

  /** What a summary says before its counts: the job, how it ended and why, with what. */
  record Header(String jobId, String status, String reason, String provider, String model) {}

  /**
   * A run's summary whose counts are its last progress (none yet: zeros), whether that progress was
   * this process's or a stack's job seen through the status API.
   */
  static IndexSummary of(
      Header header,
      long files,
      Integer filesUploaded,
      long total,
      Progress last,
      Double estimatedCostUsd,
      double elapsedSeconds,
      Map<String, Long> skipped,
      Map<String, String> skippedFiles,
      List<String> failures) {
    Progress p = last != null ? last : NO_PROGRESS;
    return new IndexSummary(
        header.jobId(),
        header.status(),
        header.reason(),
        header.provider(),
        header.model(),
        files,
        filesUploaded,
        total,
        p.completed(),
        p.failed(),
        p.cached(),
        p.batchesProcessed(),
        p.apiCalls(),
        p.apiCallsSaved(),
        p.tokens(),
        p.truncated(),
        estimatedCostUsd,
        elapsedSeconds,
        elapsedSeconds > 0 ? p.done() / elapsedSeconds : 0,
        skipped,
        skippedFiles,
        failures);
  }

  /** A run that started no job: {@code scan} found nothing to index, as {@code reason} says. */
  static IndexSummary nothingToIndex(
      String reason, ProviderSettings provider, SourceScan scan, double elapsedSeconds) {
    return of(
        new Header(null, "FAILED", reason, provider.provider(), provider.model()),
        0,
        null,
        0,
        null,
        null,
        elapsedSeconds,
        scan.skipCounts(),
        scan.skippedFiles(),
        List.of());
  }

  private static final Progress NO_PROGRESS =
      new Progress(0, false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, Duration.ZERO, List.of());

  public String toJson() {
    return Json.writeRounded(this);
  }

  /** "1 batch", "2 batches". */
  static String count(long n, String one, String many) {
    return String.format("%,d %s", n, n == 1 ? one : many);
  }

  public String toText() {
    StringBuilder text = new StringBuilder();
    if (jobId == null) {
      // no job started: why, and what was skipped
      text.append(status).append("  ").append(reason).append('\n');
      appendSkipped(text);
      return text.toString();
    }
    text.append(String.format("%s  job %s  (%s / %s)%n", status, jobId, provider, model));
    if (reason != null) {
      text.append("  reason: ").append(reason).append('\n');
    }
    text.append(
        String.format(
            "  chunks     %,d from %s%s: %,d embedded, %,d cached, %,d failed%n",
            total,
            count(files, "file", "files"),
            filesUploaded == null ? "" : String.format(" (%,d uploaded)", filesUploaded),
            completed - cached,
            cached,
            failed));
    text.append(
        String.format(
            "  API calls  %,d in %s (%,d saved vs one call per chunk), %s%n",
            apiCalls,
            count(batches, "batch", "batches"),
            apiCallsSaved,
            count(tokens, "token", "tokens")));
    if (estimatedCostUsd != null) {
      text.append(
          String.format("  cost       $%.4f (published price of %s)%n", estimatedCostUsd, model));
    }
    text.append(
        String.format("  elapsed    %.1f s, %.1f chunks/s%n", elapsedSeconds, chunksPerSecond));
    if (truncated > 0) {
      text.append(
          String.format("  truncated  %,d chunks longer than the model accepts%n", truncated));
    }
    appendSkipped(text);
    if (!failures.isEmpty()) {
      text.append("  first failures:\n");
      failures.stream().limit(5).forEach(f -> text.append("    ").append(f).append('\n'));
    }
    return text.toString();
  }

  /**
   * " skipped binary 1, vendored or generated 5", then the first skipped paths with their reasons
   * under it, and how many more there are.
   */
  private void appendSkipped(StringBuilder text) {
    if (skipped.isEmpty()) {
      return;
    }
    text.append("  skipped    ").append(skipCountsText(skipped)).append('\n');
    String indent = " ".repeat("  skipped    ".length());
    skippedFiles.entrySet().stream()
        .limit(SKIPPED_FILES_SHOWN)
        .forEach(
            skip ->
                text.append(indent)
                    .append(skip.getKey())
                    .append(" (")
                    .append(reasonText(skip.getValue()))
                    .append(")\n"));
    if (skippedFiles.size() > SKIPPED_FILES_SHOWN) {
      text.append(indent)
          .append(String.format("... and %,d more", skippedFiles.size() - SKIPPED_FILES_SHOWN))
          .append(" (--json lists them all)\n");
    }
  }

  /** Skipped paths with their reasons' names, as the summary holds them. */
  static Map<String, String> skippedFiles(Map<String, SkipReason> skipped) {
    Map<String, String> files = new TreeMap<>();
    skipped.forEach((path, reason) -> files.put(path, reason.name()));
    return files;
  }

  /** "binary 2, vendored or generated 1": by reason, whatever the map's order. */
  static String skipCountsText(Map<String, Long> counts) {
    return new TreeMap<>(counts)
        .entrySet().stream()
            .map(skip -> String.format("%s %,d", reasonText(skip.getKey()), skip.getValue()))
            .collect(java.util.stream.Collectors.joining(", "));
  }

  /** "VENDORED_OR_GENERATED" as "vendored or generated". */
  private static String reasonText(String reason) {
    return reason.toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
  }
}
