package io.signalhub.indexing.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.signalhub.indexing.core.progress.Progress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The end of an indexing run: what a person reads, or one JSON object a program parses.
 *
 * @param jobId the job
 * @param status COMPLETED, COMPLETED_WITH_FAILURES, FAILED or CANCELLED
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
    List<String> failures) {

  private static final ObjectMapper JSON =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

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
        failures);
  }

  private static final Progress NO_PROGRESS =
      new Progress(0, false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, Duration.ZERO, List.of());

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot write the summary as JSON", e);
    }
  }

  /** "1 batch", "2 batches". */
  static String count(long n, String one, String many) {
    return String.format("%,d %s", n, n == 1 ? one : many);
  }

  public String toText() {
    StringBuilder text = new StringBuilder();
    text.append(String.format("%s  job %s  (%s / %s)%n", status, jobId, provider, model));
    if (reason != null) {
      text.append("  reason: ").append(reason).append('\n');
    }
    text.append(
        String.format(
            "  chunks     %,d from %,d files%s: %,d embedded, %,d cached, %,d failed%n",
            total,
            files,
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
    if (!skipped.isEmpty()) {
      text.append("  skipped    ");
      skipped.forEach(
          (why, count) ->
              text.append(String.format("%s %,d  ", why.toLowerCase().replace('_', ' '), count)));
      text.append('\n');
    }
    if (!failures.isEmpty()) {
      text.append("  first failures:\n");
      failures.stream().limit(5).forEach(f -> text.append("    ").append(f).append('\n'));
    }
    return text.toString();
  }
}
