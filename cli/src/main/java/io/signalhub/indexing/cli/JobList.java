package io.signalhub.indexing.cli;

import io.signalhub.indexing.core.pipeline.JobStatusService;
import io.signalhub.indexing.core.pipeline.JobView;
import java.util.List;

/**
 * A page of {@code jobs list}: a table for people, one JSON object for programs.
 *
 * @param nextCursor what {@code --cursor} takes for the next page; null on the last one
 */
record JobList(List<Job> jobs, String nextCursor) {

  /** One job as the list shows it: chunks done ({@code completed + failed}) of {@code total}. */
  record Job(
      String jobId,
      String status,
      long completed,
      long failed,
      long total,
      String createdAt,
      String repository) {}

  static JobList of(JobStatusService.Page page) {
    return new JobList(page.jobs().stream().map(JobList::job).toList(), page.nextCursor());
  }

  private static Job job(JobView job) {
    return new Job(
        job.jobId(),
        job.status(),
        job.completed(),
        job.failed(),
        job.total(),
        job.createdAt(),
        job.repository());
  }

  /**
   * @param stack where the jobs are, for an empty list
   */
  String toText(String stack) {
    if (jobs.isEmpty()) {
      return "No jobs in " + stack + ".\n";
    }
    String row = "%-44s %-23s %15s  %-20s %s%n";
    StringBuilder text =
        new StringBuilder(String.format(row, "JOB", "STATUS", "CHUNKS", "CREATED", "REPOSITORY"));
    for (Job job : jobs) {
      text.append(
          String.format(
              row,
              job.jobId(),
              job.status(),
              String.format("%,d/%,d", job.completed() + job.failed(), job.total()),
              job.createdAt().substring(0, Math.min(19, job.createdAt().length())),
              job.repository()));
    }
    if (nextCursor != null) {
      text.append("More: scripts/jobs list --cursor ").append(nextCursor).append('\n');
    }
    return text.toString();
  }
}
