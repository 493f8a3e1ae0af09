package io.signalhub.indexing.cli;

import io.signalhub.indexing.local.deployed.AsDeployedStack;
import io.signalhub.indexing.local.deployed.FunctionSpec;
import io.signalhub.indexing.local.deployed.StackOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code local-stack up --as-deployed [template]}: a synthesized template run on this machine the
 * way AWS runs it, until Ctrl-C; then the IAM report on every call the functions made.
 */
final class AsDeployedUp {

  static final String DEFAULT_TEMPLATE = "infra/cdk.out/SignalHubIndexing.template.json";

  private AsDeployedUp() {}

  /** The template as given, else relative to the project the CLI was built in. */
  private static Path locate(Path template) {
    if (Files.isRegularFile(template) || template.isAbsolute()) {
      return template;
    }
    try {
      Path jar =
          Path.of(AsDeployedUp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // cli/target/signal-hub-cli.jar -> the project root
      Path candidate = jar.getParent().getParent().getParent().resolve(template);
      return Files.isRegularFile(candidate) ? candidate : template;
    } catch (java.net.URISyntaxException | NullPointerException e) {
      return template;
    }
  }

  static int run(Path given, boolean anyPorts, Map<String, String> secrets, String providerUrl)
      throws Exception {
    Path template = locate(given);
    if (!Files.isRegularFile(template)) {
      System.err.println(
          "error: no template at "
              + given
              + "; write one with scripts/synth (it builds the function zips too)");
      return 1;
    }
    Map<String, String> overlay = new HashMap<>();
    if (providerUrl != null) {
      overlay.put("SIGNAL_HUB_EMBEDDING_BASE_URL", providerUrl);
    }
    Path work = LocalStackState.home().resolve("as-deployed");
    System.err.println("Starting every function of " + template + " (a JVM each) ...");
    AsDeployedStack stack;
    try {
      stack =
          AsDeployedStack.start(
              template,
              StackOptions.builder(work)
                  .environment(overlay)
                  .secrets(secrets)
                  .ports(anyPorts ? 0 : 4566, anyPorts ? 0 : 4580)
                  .build());
    } catch (java.net.BindException e) {
      System.err.println(
          "error: a port is in use ("
              + e.getMessage()
              + "); stop what uses it or pass --any-ports");
      return 1;
    }
    long start = System.nanoTime();
    stack.prewarm();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    System.out.printf(
                        "%nInvocations:%n%s%n%s",
                        stack.invocationSummary(), stack.checkIam(stack.template()).render());
                    stack.close();
                  } catch (Exception e) {
                    System.err.println("error while stopping: " + e.getMessage());
                  }
                  stopped.countDown();
                }));
    StringBuilder functions = new StringBuilder();
    for (FunctionSpec f : stack.functions()) {
      functions.append(
          String.format(
              "  %-30s %-22s %5d MB  %4d s  %s%n",
              f.logicalId(),
              f.environment().getOrDefault("QUARKUS_LAMBDA_HANDLER", "(http)"),
              f.memoryMb(),
              f.timeout().toSeconds(),
              f.code().getFileName()));
    }
    stack
        .eventSourceMappings()
        .forEach(
            m ->
                functions.append(
                    String.format(
                        "  %s -> %s  batch %d, window %d s, max concurrency %d%s%n",
                        m.queue(),
                        m.function(),
                        m.batchSize(),
                        m.batchingWindow().toSeconds(),
                        m.maximumConcurrency(),
                        m.reportBatchItemFailures() ? ", partial batch responses" : "")));
    stack
        .notifications()
        .forEach(
            n ->
                functions.append(
                    String.format(
                        "  s3://%s/%s*%s -> %s%n",
                        n.bucket(), n.prefix(), n.suffix(), n.function())));
    System.out.printf(
        "Signal Hub as deployed: %s (every function booted in %.1f s)%n%n%s%n"
            + "  endpoint  %s  (S3, SQS, DynamoDB, Secrets Manager, Bedrock)%n"
            + "  HTTP API  %s/jobs%n%nPaste into a shell:%n%n%s%n%n"
            + "Start a job:  aws s3 cp manifest.json s3://%s/manifests/my-job.json%n"
            + "Stop: Ctrl-C (prints the IAM report: calls the roles would deny, grants never used)%n",
        template,
        Duration.ofNanos(System.nanoTime() - start).toMillis() / 1000.0,
        functions,
        stack.endpoint(),
        stack.apiUrl(),
        stack.exports(),
        stack.bucket().orElse("?"));
    System.out.flush();
    stopped.await();
    return 0;
  }
}
