package io.signalhub.indexing.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.signalhub.indexing.aws.AwsEndpoints;
import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.core.economy.ProviderBatchApis;
import io.signalhub.indexing.core.pipeline.PipelineSettings;
import io.signalhub.indexing.core.provider.ProviderSettings;
import io.signalhub.indexing.local.runtime.LocalRuntime;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where the CLI sends work: a deployed or already running stack named by the environment ({@code
 * SIGNAL_HUB_STATUS_URL}, {@code SIGNAL_HUB_BUCKET}, {@code AWS_ENDPOINT_URL_*}), the stack {@code
 * scripts/local-stack up} is running (its state file), or a local stack started for this command
 * and stopped after it. One process owns a data directory at a time ({@link DataDirLock}): a second
 * index run waits for the first, with a message, rather than share its SQLite files.
 *
 * @param description what the stack is, for messages ("the local stack (scripts/local-stack up)")
 * @param owned the local stack this command started, stopped when it closes; null otherwise
 * @param lock the data directory's lock held for {@code owned}; null otherwise
 * @param waited how long the command waited for another one's stack to end (zero: not at all)
 */
record StackConnection(
    AwsPipeline pipeline,
    StatusClient status,
    String description,
    LocalRuntime owned,
    DataDirLock lock,
    Duration waited)
    implements AutoCloseable {

  private static final long WAIT_FOR_OWNER_MILLIS = 500;

  /** Says on stderr that this stack has no job {@code jobId}; returns the usage exit code, 2. */
  int noJob(String jobId) {
    System.err.println("error: no job '" + jobId + "' in " + description);
    return 2;
  }

  /** How a command uses a stack. */
  enum Use {
    /** Reads (status, search): any running local stack will do, even one an index run owns. */
    READ,
    /**
     * Runs a job (index): only a shared stack ('local-stack up') or one of its own, since a stack
     * an index run started stops when that run ends.
     */
    JOB,
    /**
     * Starts a job and leaves it (index --detach): only a stack that outlives the command, since a
     * stack started for it would stop with it and strand the job.
     */
    DETACHED_JOB
  }

  /**
   * What a command asked for explicitly: the provider flags it was given (they must act, or the
   * command refuses) and the concurrency, if given.
   */
  record Request(
      ProviderSettings provider,
      Use use,
      List<String> providerFlags,
      Integer concurrency,
      boolean economy,
      Map<String, String> environment) {

    /** A read with the provider {@code environment} configures. */
    static Request read(Map<String, String> environment) {
      return new Request(
          ProviderSettings.fromEnvironment(environment),
          Use.READ,
          List.of(),
          null,
          false,
          environment);
    }

    /**
     * An economy job on a local stack whose provider has no batch API would only fail at its
     * fan-out: refused first (exit 2). A deployed stack's provider is its deployment's, which fails
     * the job with the same reason.
     */
    void checkEconomy(String provider, String stack) {
      if (economy && !ProviderBatchApis.offeredBy(provider)) {
        throw new UsageException(
            "--economy needs a provider with a batch API (openai, or bedrock with Titan Text"
                + " Embeddings V2); "
                + stack
                + " embeds with "
                + provider
                + (ProviderSettings.DEFAULT_PROVIDER.equals(provider)
                    ? ", which costs nothing on demand: drop --economy"
                    : ": drop --economy")
                + ", or index with --provider openai (OPENAI_API_KEY)");
      }
    }
  }

  /** A read; {@code environment} (the command's) names the stack and the provider. */
  static StackConnection open(Map<String, String> environment) throws Exception {
    return open(Request.read(environment));
  }

  static StackConnection open(Request request) throws Exception {
    Map<String, String> environment = request.environment();
    Optional<String> statusUrl =
        Optional.ofNullable(environment.get("SIGNAL_HUB_STATUS_URL")).filter(v -> !v.isBlank());
    if (statusUrl.isPresent()) {
      if (!request.providerFlags().isEmpty()) {
        throw new UsageException(
            String.join(", ", request.providerFlags())
                + " cannot act on the stack at "
                + statusUrl.get()
                + " (SIGNAL_HUB_STATUS_URL): it embeds with its deployment's provider; drop "
                + String.join(", ", request.providerFlags())
                + ", or use --in-process");
      }
      AwsPipeline pipeline = AwsPipeline.fromConfig(PipelineSettings.systemLookup());
      return new StackConnection(
          pipeline,
          new StatusClient(
              URI.create(statusUrl.get()), Optional.ofNullable(environment.get("AWS_REGION"))),
          "the stack at " + statusUrl.get(),
          null,
          null,
          Duration.ZERO);
    }
    Path data = LocalStackState.home().resolve("data");
    boolean announced = false;
    long since = System.nanoTime();
    while (true) {
      Optional<JsonNode> running = LocalStackState.running();
      if (running.isPresent()
          && (request.use() == Use.READ
              || LocalStackState.MODE_SHARED.equals(running.get().path("mode").asText()))) {
        checkCompatible(running.get(), request);
        request.checkEconomy(running.get().path("provider").asText(), "the running local stack");
        return connect(running.get()).waited(waitEnds(announced, since));
      }
      if (request.use() == Use.DETACHED_JOB) {
        throw new UsageException(
            "--detach leaves the job on a stack that keeps running, and none is (no"
                + " 'scripts/local-stack up', no SIGNAL_HUB_STATUS_URL): a stack started for this"
                + " run would stop with it; start 'scripts/local-stack up' in another terminal, or"
                + " drop --detach");
      }
      request.checkEconomy(request.provider().provider(), "a local stack started for this run");
      Optional<DataDirLock> lock =
          DataDirLock.tryAcquire(
              data, request.use() == Use.READ ? "scripts/status or search" : "scripts/index");
      if (lock.isPresent()) {
        Duration waited = waitEnds(announced, since);
        return startForThisRun(data, request, lock.get()).waited(waited);
      }
      if (!announced) {
        System.err.println(
            "Waiting for "
                + DataDirLock.holder(data)
                + ", which runs a local stack on "
                + data
                + "; this run starts when it ends (Ctrl-C to give up; 'scripts/local-stack up' in"
                + " another terminal lets commands share one stack) ...");
        announced = true;
      }
      Thread.sleep(WAIT_FOR_OWNER_MILLIS);
    }
  }

  /**
   * How long this command waited since {@code since}, if it {@code waited} for another one's stack:
   * said on stderr, and left out of the run's own time.
   */
  private static Duration waitEnds(boolean waited, long since) {
    if (!waited) {
      return Duration.ZERO;
    }
    Duration wait = Duration.ofNanos(System.nanoTime() - since);
    System.err.printf("Waited %.1f s for the data directory.%n", wait.toMillis() / 1000.0);
    return wait;
  }

  private StackConnection waited(Duration wait) {
    return new StackConnection(pipeline, status, description, owned, lock, wait);
  }

  /** Refuses flags the running stack cannot honour: exit 2 with what to do. */
  static void checkCompatible(JsonNode state, Request request) {
    ProviderSettings asked = request.provider();
    String provider = state.path("provider").asText();
    String model = state.path("model").asText();
    String baseUrl = state.path("baseUrl").asText(null);
    List<String> mismatched = new ArrayList<>();
    for (String flag : request.providerFlags()) {
      boolean differs =
          switch (flag) {
            case "--provider" -> !asked.provider().equalsIgnoreCase(provider);
            case "--model" -> !Objects.equals(asked.model(), model);
            case "--base-url" ->
                asked.baseUrl() == null || !asked.baseUrl().toString().equals(baseUrl);
            default -> false;
          };
      if (differs) {
        mismatched.add(flag);
      }
    }
    if (!mismatched.isEmpty()) {
      throw new UsageException(
          "the running local stack embeds with "
              + provider
              + "/"
              + model
              + (baseUrl == null ? "" : " at " + baseUrl)
              + "; stop it ('scripts/local-stack down') or drop "
              + String.join(", ", mismatched));
    }
    int stackConcurrency = state.path("concurrency").asInt(Integer.MAX_VALUE);
    if (request.concurrency() != null && request.concurrency() > stackConcurrency) {
      throw new UsageException(
          "the running local stack embeds at most "
              + stackConcurrency
              + " batches at once; --concurrency "
              + request.concurrency()
              + " needs one started with SIGNAL_HUB_CONCURRENCY="
              + request.concurrency()
              + " (or drop --concurrency, or use a value up to "
              + stackConcurrency
              + ")");
    }
  }

  private static StackConnection connect(JsonNode state) {
    AwsEndpoints endpoints =
        AwsEndpoints.local(
            URI.create(state.get("s3").asText()),
            URI.create(state.get("sqs").asText()),
            URI.create(state.get("dynamodb").asText()));
    PipelineSettings settings =
        PipelineSettings.from(
            key ->
                key.equals("signal-hub.bucket")
                    ? Optional.of(state.get("bucket").asText())
                    : PipelineSettings.systemLookup().apply(key));
    boolean shared = LocalStackState.MODE_SHARED.equals(state.path("mode").asText());
    return new StackConnection(
        new AwsPipeline(settings, endpoints, Clock.systemUTC()),
        new StatusClient(URI.create(state.get("status").asText())),
        shared
            ? "the local stack (scripts/local-stack up)"
            : "the local stack of a running scripts/index (pid " + state.path("pid").asText() + ")",
        null,
        null,
        Duration.ZERO);
  }

  private static StackConnection startForThisRun(Path data, Request request, DataDirLock lock)
      throws Exception {
    System.err.println(
        "Starting a local stack for this run (data in "
            + data
            + "; 'scripts/local-stack up' keeps one running) ...");
    Function<String, Optional<String>> config =
        key ->
            key.equals("signal-hub.concurrency") && request.concurrency() != null
                ? Optional.of(request.concurrency().toString())
                : PipelineSettings.systemLookup().apply(key);
    if (request.use() == Use.READ) {
      // a read's terminal output is its answer: the stack's INFO (jobs it recovered, ...) is for
      // 'local-stack up', whose terminal shows the stack's life
      Logger.getLogger("").setLevel(Level.WARNING);
    }
    LocalRuntime stack;
    try {
      stack = LocalRuntime.start(LocalRuntime.Ports.ANY, data, request.provider(), config);
      LocalStackState.write(stack, LocalStackState.MODE_RUN, data, request.provider());
    } catch (Exception | Error e) {
      lock.close();
      throw e;
    }
    return new StackConnection(
        stack.pipeline(),
        new StatusClient(stack.statusUrl()),
        "a local stack started for this run",
        stack,
        lock,
        Duration.ZERO);
  }

  /** True if this command started the local stack (it stops when the command ends). */
  boolean ownsStack() {
    return owned != null;
  }

  String bucket() {
    return pipeline.settings().bucket();
  }

  @Override
  public void close() throws Exception {
    if (owned != null) {
      try {
        LocalStackState.deleteOwn();
        owned.close();
      } finally {
        lock.close();
      }
    } else {
      pipeline.close();
    }
  }
}
