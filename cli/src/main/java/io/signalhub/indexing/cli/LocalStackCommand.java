package io.signalhub.indexing.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.signalhub.indexing.core.pipeline.PipelineSettings;
import io.signalhub.indexing.core.provider.ProviderSettings;
import io.signalhub.indexing.local.runtime.LocalRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code signal-hub local-stack up|down|env|status}: the whole pipeline on this machine. */
@Command(
    name = "local-stack",
    mixinStandardHelpOptions = true,
    description =
        "Run the pipeline locally: embedded S3, SQS, DynamoDB and the three functions. Data"
            + " persists in $SIGNAL_HUB_HOME/data (default ~/.signal-hub/data), the same place"
            + " 'scripts/index' uses when no stack runs; --in-memory keeps nothing.")
public final class LocalStackCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      paramLabel = "ACTION",
      description =
          "up (run until stopped), down (stop the running one), env (its exports) or status (is"
              + " one running?)")
  String action;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Keep tables and objects here across restarts; an interrupted job resumes after 'up'"
              + " (default: $SIGNAL_HUB_HOME/data).")
  Path dataDir;

  @Option(
      names = "--in-memory",
      description = "Keep nothing: tables and objects live in memory until the stack stops.")
  boolean inMemory;

  @Option(
      names = "--any-ports",
      description =
          "Pick free ports instead of 4572 (S3), 4576 (SQS), 4569 (DynamoDB), 4580 (status), 4566"
              + " (all three).")
  boolean anyPorts;

  @Option(
      names = "--as-deployed",
      arity = "0..1",
      paramLabel = "TEMPLATE",
      fallbackValue = AsDeployedUp.DEFAULT_TEMPLATE,
      description =
          "Run a synthesized template as AWS would: each function's zip under Lambda's runtime client in its own JVM, wired by the template; the AWS calls each makes are checked against its role when you stop (default template: "
              + AsDeployedUp.DEFAULT_TEMPLATE
              + ", written by scripts/synth).")
  Path asDeployed;

  @Option(
      names = "--secret",
      paramLabel = "ID=VALUE",
      description =
          "With --as-deployed: a value for the template's secret whose logical id starts"
              + " with ID (e.g. EmbeddingApiKey=$OPENAI_API_KEY).")
  java.util.Map<String, String> secrets = new java.util.LinkedHashMap<>();

  @Option(
      names = "--provider-url",
      paramLabel = "URL",
      description =
          "With --as-deployed: the OpenAI-compatible base URL the functions call instead of"
              + " the template's (e.g. a simulator's http://127.0.0.1:8089/v1).")
  String providerUrl;

  @Option(
      names = "--json",
      description = "With status: print the running stack's state file, one JSON object.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (json && !action.equals("status")) {
      throw new UsageException("--json applies to 'status'; drop it for '" + action + "'");
    }
    return switch (action) {
      case "status" -> status();
      case "env" -> env();
      case "down" -> down();
      case "up" -> up();
      default ->
          throw new UsageException(
              "unknown action '" + action + "'; use 'up', 'down', 'env' or 'status'");
    };
  }

  private int status() {
    Optional<JsonNode> running = LocalStackState.running();
    if (running.isEmpty()) {
      System.out.println("no local stack is running");
      return 1;
    }
    System.out.print(
        json
            ? Json.write(running.get()) + "\n"
            : LocalStackState.describe(running.get(), java.time.Instant.now()));
    return 0;
  }

  private int env() {
    // for eval "$(scripts/local-stack env)" in another shell while 'up' runs
    Optional<JsonNode> running = LocalStackState.running();
    if (running.isEmpty()) {
      System.err.println("error: no local stack is running; start one with 'up'");
      return 1;
    }
    System.out.println(running.get().path("exports").asText());
    return 0;
  }

  /** Stops the stack 'up' runs, as Ctrl-C in its terminal would (its shutdown hook runs). */
  private int down() throws Exception {
    Optional<JsonNode> state = LocalStackState.read();
    Optional<ProcessHandle> process =
        state.flatMap(s -> ProcessHandle.of(s.path("pid").asLong())).filter(ProcessHandle::isAlive);
    if (process.isEmpty()) {
      Files.deleteIfExists(LocalStackState.file());
      System.err.println("no local stack is running");
      return 0;
    }
    if (!LocalStackState.MODE_SHARED.equals(state.get().path("mode").asText())) {
      System.err.println(
          "error: the running local stack belongs to a scripts/index run (pid "
              + process.get().pid()
              + "); it stops when that run ends");
      return 1;
    }
    process.get().destroy();
    try {
      process.get().onExit().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      System.err.println(
          "error: the local stack (pid " + process.get().pid() + ") did not stop within 60 s");
      return 1;
    }
    System.err.println("Stopped the local stack (pid " + process.get().pid() + ")");
    return 0;
  }

  private int up() throws Exception {
    if (inMemory && dataDir != null) {
      throw new UsageException("--in-memory and --data-dir exclude each other; choose one");
    }
    Optional<JsonNode> running = LocalStackState.running();
    if (running.isPresent()) {
      System.err.println(
          "error: a local stack is already running (pid "
              + running.get().path("pid").asText()
              + ", "
              + LocalStackState.file()
              + "); 'scripts/local-stack down' stops it");
      return 1;
    }
    if (asDeployed != null) {
      return AsDeployedUp.run(asDeployed, anyPorts, secrets, providerUrl);
    }
    ProviderSettings provider = ProviderSettings.fromEnvironment(System.getenv());
    Options.validateProvider(provider);
    Path data =
        inMemory ? null : dataDir != null ? dataDir : LocalStackState.home().resolve("data");
    DataDirLock lock = null;
    if (data != null) {
      lock = DataDirLock.tryAcquire(data, "scripts/local-stack up").orElse(null);
      if (lock == null) {
        System.err.println(
            "error: "
                + DataDirLock.holder(data)
                + " is using "
                + data
                + "; wait for it to end, or pass --data-dir DIR or --in-memory");
        return 1;
      }
    }
    LocalRuntime stack;
    try {
      stack =
          LocalRuntime.start(
              anyPorts ? LocalRuntime.Ports.ANY : LocalRuntime.Ports.DEFAULT,
              data,
              provider,
              PipelineSettings.systemLookup());
    } catch (java.net.BindException e) {
      if (lock != null) {
        lock.close();
      }
      System.err.println(
          "error: a port is in use ("
              + e.getMessage()
              + "); stop what uses it or pass --any-ports");
      return 1;
    }
    Runnable stop = stopOnce(stack, lock);
    // any other ending (a closed terminal's SIGHUP) still stops the stack and frees the data
    Runtime.getRuntime().addShutdownHook(new Thread(stop));
    LocalStackState.write(stack, LocalStackState.MODE_SHARED, data, provider);
    System.out.printf(
        "Signal Hub local stack is up (%s model %s, data %s)%n%n  S3        %s  (bucket %s)%n  SQS       %s%n  DynamoDB  %s%n  all three %s  (one endpoint, like LocalStack's edge port)%n  status    %s/jobs%n  page      %s/  (the status page: open it in a browser)%n%nPaste into a shell to use any AWS client:%n%n%s%n%n"
            + "Start a job:  aws s3 cp manifest.json s3://%s/manifests/my-job.json%n"
            + "Index a dir:  scripts/index <dir>      Stop: Ctrl-C or 'scripts/local-stack down'%n",
        provider.provider(),
        stack.provider().model(),
        data == null ? "in memory" : "in " + data,
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
    StopSignals.Stop requested = StopSignals.await();
    System.err.println("Stopping the local stack (" + requested.reason() + ") ...");
    stop.run();
    System.err.println("The local stack stopped.");
    return requested.exitCode();
  }

  /** Stops the stack and frees its state file and data directory, the first time it runs. */
  private static Runnable stopOnce(LocalRuntime stack, DataDirLock lock) {
    AtomicBoolean stopped = new AtomicBoolean();
    return () -> {
      if (!stopped.compareAndSet(false, true)) {
        return;
      }
      try {
        LocalStackState.deleteOwn();
        stack.close();
        if (lock != null) {
          lock.close();
        }
      } catch (Exception e) {
        System.err.println("error while stopping: " + e.getMessage());
      }
    };
  }
}
