package io.signalhub.indexing.core.pipeline;

import io.signalhub.indexing.core.job.Failure;
import io.signalhub.indexing.core.job.JobCounters;
import java.util.List;
import java.util.Locale;

/**
 * Why a job whose manifest yielded no chunk at all ends FAILED rather than an empty COMPLETED: a
 * user who indexed the wrong directory, or only ignored or secret-bearing files, learns which.
 */
final class EmptyJob {

  private EmptyJob() {}

  /**
   * @param counters the job's counters once its fan-out completed
   * @param firstFailures the job's first failure, if any (an unreadable file, say)
   */
  static String reason(JobCounters counters, List<Failure> firstFailures) {
    if (counters.files() == 0) {
      return "nothing to index: the manifest lists no files";
    }
    StringBuilder reason =
        new StringBuilder("nothing to index: none of the ")
            .append(counters.files())
            .append(counters.files() == 1 ? " file" : " files")
            .append(" in the manifest yielded a chunk");
    if (!counters.skippedFiles().isEmpty()) {
      StringBuilder skips = new StringBuilder();
      counters
          .skippedFiles()
          .forEach(
              (why, count) ->
                  skips
                      .append(skips.length() == 0 ? "" : ", ")
                      .append(why.name().toLowerCase(Locale.ROOT).replace('_', ' '))
                      .append(' ')
                      .append(count));
      reason.append(" (skipped: ").append(skips).append(')');
    }
    firstFailures.forEach(
        f -> reason.append("; first: ").append(f.location()).append(": ").append(f.reason()));
    return reason.toString();
  }
}
