package io.signalhub.indexing.cli;

import io.signalhub.indexing.core.pipeline.PipelineSettings;
import io.signalhub.indexing.core.provider.ProviderSettings;
import io.signalhub.indexing.localstack.runtime.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code signal-hub local-stack up}: the whole pipeline on this machine until Ctrl-C. */
@Command(
    name = "local-stack",
    mixinStandardHelpOptions = true,
    description = "Run the pipeline locally: embedded S3, SQS, DynamoDB and the three functions.")
public final class LocalStackCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      paramLabel = "ACTION",
      description =
          "up (run until stopped), env (the running one's exports) or status (is one running?)")
  String action;

  @Option(
      names = "--data-dir",
      description =
          "Keep tables and objects here across restarts; an interrupted job resumes after 'up' (default: in memory).")
  Path dataDir;

  @Option(
      names = "--any-ports",
      description =
          "Pick free ports instead of 4572 (S3), 4576 (SQS), 4569 (DynamoDB), 4580 (status), 4566 (all three).")
  boolean anyPorts;

  @Override
  public Integer call() throws Exception {
    if (action.equals("status")) {
      return StackConnection.runningLocalStack()
          .map(
              state -> {
                System.out.println("running: " + state.toPrettyString());
                return 0;
              })
          .orElseGet(
              () -> {
                System.out.println("no local stack is running");
                return 1;
              });
    }
    if (action.equals("env")) {
      // for eval "$(scripts/local-stack env)" in another shell while 'up' runs
      return StackConnection.runningLocalStack()
          .map(
              state -> {
                System.out.println(state.path("exports").asText());
                return 0;
              })
          .orElseGet(
              () -> {
                System.err.println("error: no local stack is running; start one with 'up'");
                return 1;
              });
    }
    if (!action.equals("up")) {
      System.err.println("error: unknown action '" + action + "'; use 'up', 'env' or 'status'");
      return 2;
    }
    if (StackConnection.runningLocalStack().isPresent()) {
      System.err.println(
          "error: a local stack is already running (" + StackConnection.stateFile() + ")");
      return 1;
    }
    ProviderSettings provider = ProviderSettings.fromEnvironment(System.getenv());
    LocalStack stack;
    try {
      stack =
          LocalStack.start(
              anyPorts ? LocalStack.Ports.ANY : LocalStack.Ports.DEFAULT,
              dataDir,
              provider,
              PipelineSettings.systemLookup());
    } catch (java.net.BindException e) {
      System.err.println(
          "error: a port is in use ("
              + e.getMessage()
              + "); stop what uses it or pass --any-ports");
      return 1;
    }
    StackConnection.writeState(stack);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    Files.deleteIfExists(StackConnection.stateFile());
                    stack.close();
                  } catch (Exception e) {
                    System.err.println("error while stopping: " + e.getMessage());
                  }
                  stopped.countDown();
                }));
    System.out.printf(
        "Signal Hub local stack is up (%s model %s, data %s)%n%n  S3        %s  (bucket %s)%n  SQS       %s%n  DynamoDB  %s%n  all three %s  (one endpoint, like LocalStack's edge port)%n  status    %s/jobs%n  page      %s/  (the status page: open it in a browser)%n%nPaste into a shell to use any AWS client:%n%n%s%n%n"
            + "Start a job:  aws s3 cp manifest.json s3://%s/manifests/my-job.json%n"
            + "Index a dir:  scripts/index <dir>      Stop: Ctrl-C%n",
        provider.provider(),
        stack.provider().model(),
        dataDir == null ? "in memory" : dataDir,
        stack.s3Endpoint(),
        stack.bucket(),
        stack.sqsEndpoint(),
        stack.dynamoEndpoint(),
        stack.edgeEndpoint(),
        stack.statusUrl(),
        stack.statusUrl(),
        stack.exports(),
        stack.bucket());
    System.out.flush();
    stopped.await();
    return 0;
  }
}
