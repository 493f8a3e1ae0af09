package io.signalhub.indexing.cli;

import io.signalhub.indexing.core.pipeline.JobView;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code signal-hub status <job>}: one job's status, for people or (with --json) programs. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show a job's status.")
public final class StatusCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "JOB",
      description = "The job id ('index' prints it); optional with --web (the jobs list).")
  String jobId;

  @Option(
      names = "--web",
      description =
          "Serve the status page and print its URL: a deployed API through a signing proxy on"
              + " 127.0.0.1 (SigV4, your AWS credentials), a local stack directly.")
  boolean web;

  @Option(
      names = "--port",
      defaultValue = "0",
      description = "Port of the --web proxy on 127.0.0.1 (default: any free port).")
  int port;

  @Option(
      names = "--json",
      description =
          "Print the status API's JSON (seconds, rates and percentages rounded to 0.1, the cost"
              + " to 4 decimals).")
  boolean json;

  @Option(names = "--follow", description = "Show a live progress bar until the job ends.")
  boolean follow;

  @Override
  public Integer call() throws Exception {
    if (jobId == null && !web) {
      System.err.println("error: name a JOB ('index' prints it), or pass --web for the list");
      return 2;
    }
    Options.jobId(jobId);
    Map<String, String> environment = System.getenv();
    try (StackConnection stack = StackConnection.open(environment)) {
      if (web) {
        return StatusWebProxy.serve(stack, jobId, port);
      }
      Optional<JobView> job =
          follow
              ? Optional.of(
                  PipelineRun.follow(ProgressBar.onStderr(environment), stack.status(), jobId))
              : stack.status().job(jobId);
      if (job.isEmpty()) {
        return stack.noJob(jobId);
      }
      if (json) {
        System.out.println(Json.writeRounded(job.get()));
      } else {
        System.out.print(
            JobSummaries.summary(job.get(), null, job.get().elapsedSeconds()).toText());
        if (!PipelineRun.isTerminal(job.get().status())) {
          System.out.println("  " + ProgressBar.render(JobSummaries.progress(job.get())));
        }
      }
      return "COMPLETED".equals(job.get().status()) || !PipelineRun.isTerminal(job.get().status())
          ? 0
          : 1;
    }
  }
}
