package io.signalhub.indexing.cli;

import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.pipeline.JobLifecycle;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code signal-hub jobs}: list jobs, cancel one, delete one with its vectors, prune old ones. It
 * speaks to the job table and the bucket of the same stack {@code index} uses.
 */
@Command(
    name = "jobs",
    mixinStandardHelpOptions = true,
    description = "List, cancel, delete or prune jobs.",
    subcommands = {
      JobsCommand.ListJobs.class,
      JobsCommand.Cancel.class,
      JobsCommand.Delete.class,
      JobsCommand.Prune.class
    })
public final class JobsCommand implements Callable<Integer> {

  @Override
  public Integer call() throws Exception {
    return new ListJobs().call();
  }

  private static StackConnection connect() throws Exception {
    return StackConnection.open(System.getenv());
  }

  private static JobLifecycle lifecycle(StackConnection stack) {
    return new JobLifecycle(stack.pipeline().jobs(), stack.pipeline().blobs(), Clock.systemUTC());
  }

  /** A subcommand run with the stack open, once its options are checked. */
  abstract static class OnStack implements Callable<Integer> {
    @Override
    public final Integer call() throws Exception {
      checkOptions();
      try (StackConnection stack = connect()) {
        return run(stack);
      }
    }

    /** Throws a {@link UsageException} for bad options: checked before the stack is opened. */
    void checkOptions() {}

    /** Returns the exit code. */
    abstract int run(StackConnection stack);
  }

  /**
   * A subcommand about the one job {@code JOB} names; an unknown job is {@link
   * StackConnection#noJob}.
   */
  abstract static class OneJob extends OnStack {
    @Parameters(index = "0", paramLabel = "JOB", description = "The job id.")
    String jobId;

    @Override
    void checkOptions() {
      Options.jobId(jobId);
    }
  }

  /** {@code jobs list}: newest first. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "List jobs, newest first.")
  static final class ListJobs extends OnStack {
    @Option(
        names = "--limit",
        defaultValue = "20",
        description = "How many jobs (default: ${DEFAULT-VALUE}, at most 100).")
    int limit = 20;

    @Option(
        names = "--cursor",
        description = "Start after the page that printed this cursor (the next page).")
    String cursor;

    @Option(
        names = "--json",
        description = "Print one JSON object on stdout: the jobs, and nextCursor when more follow.")
    boolean json;

    @Override
    void checkOptions() {
      Options.range("--limit", limit, 1, 100);
    }

    @Override
    int run(StackConnection stack) {
      JobList page;
      try {
        page = JobList.of(stack.pipeline().status().list(limit, cursor));
      } catch (IllegalArgumentException malformed) {
        if (cursor == null) {
          throw malformed;
        }
        throw new UsageException(
            "--cursor '" + cursor + "' is not one 'jobs list' printed: " + malformed.getMessage());
      }
      System.out.print(json ? Json.write(page) + "\n" : page.toText(stack.description()));
      return 0;
    }
  }

  /** {@code jobs cancel <job>}. */
  @Command(
      name = "cancel",
      mixinStandardHelpOptions = true,
      description =
          "Cancel a running job: nothing more is registered or embedded (status CANCELLED)."
              + " What was embedded stays in the cache, so a re-run pays only for the rest.")
  static final class Cancel extends OneJob {
    @Override
    int run(StackConnection stack) {
      Optional<JobRecord> before = stack.pipeline().jobs().get(jobId);
      if (before.isEmpty()) {
        return stack.noJob(jobId);
      }
      if (before.get().status().terminal()) {
        System.err.println(
            "Job " + jobId + " already ended: " + before.get().status() + "; nothing to cancel.");
        return 1;
      }
      JobRecord job = lifecycle(stack).cancel(jobId, "cancelled with 'jobs cancel'").orElseThrow();
      System.out.printf(
          "%s  job %s: %,d of %,d chunks done before the cancel%n",
          job.status(),
          jobId,
          job.counters().completed() + job.counters().failed(),
          job.counters().total());
      return 0;
    }
  }

  /** {@code jobs delete <job>}. */
  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description =
          "Delete a job: its vectors, batch payloads, manifest and table items (cancelled"
              + " first if it is running). Sources and the embedding cache stay: other jobs share"
              + " them.")
  static final class Delete extends OneJob {
    @Override
    int run(StackConnection stack) {
      Optional<JobLifecycle.Deleted> deleted = lifecycle(stack).delete(jobId);
      if (deleted.isEmpty()) {
        return stack.noJob(jobId);
      }
      System.out.printf(
          "Deleted job %s (%s) and %,d objects%n",
          jobId, deleted.get().status(), deleted.get().objects());
      return 0;
    }
  }

  /** {@code jobs prune [--keep N]}. */
  @Command(
      name = "prune",
      mixinStandardHelpOptions = true,
      description =
          "Delete ended jobs but the newest --keep successful ones of each repository (each"
              + " job's vectors are a full copy: docs/vectors.md). Running jobs are never touched.")
  static final class Prune extends OnStack {
    @Option(
        names = "--keep",
        defaultValue = "1",
        description = "Successful jobs kept per repository (default: ${DEFAULT-VALUE}).")
    int keep = 1;

    @Override
    void checkOptions() {
      Options.atLeast("--keep", keep, 1);
    }

    @Override
    int run(StackConnection stack) {
      List<JobLifecycle.Deleted> deleted = lifecycle(stack).prune(keep);
      deleted.forEach(
          d ->
              System.out.printf(
                  "Deleted %s (%s), %,d objects%n", d.jobId(), d.status(), d.objects()));
      System.out.printf("Pruned %,d jobs; kept %d per repository.%n", deleted.size(), keep);
      return 0;
    }
  }
}
