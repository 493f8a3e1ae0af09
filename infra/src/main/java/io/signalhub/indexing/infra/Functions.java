package io.signalhub.indexing.infra;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * The functions (Java 21, SnapStart behind a "live" alias), each with its own role and log group,
 * all with the pipeline's environment: where the bucket, queues and tables are, and the provider.
 */
final class Functions {

  private final Construct stack;
  private final Map<String, String> environment = new HashMap<>();
  private final List<Function> all = new ArrayList<>();

  /** SnapStart applies to published versions: events go to the "live" alias of the current one. */
  private final Map<Function, Alias> aliases = new HashMap<>();

  final Function fanout;
  final Function fanoutContinuation;
  final Function embedder;
  final Function deadLetterConsumer;
  final Function fanOutFailureConsumer;
  final Function status;

  Functions(
      Construct stack,
      StackSettings settings,
      Map<String, Path> zips,
      IndexBucket bucket,
      Queues queues,
      Tables tables) {
    this.stack = stack;
    environment.put("SIGNAL_HUB_BUCKET", bucket.bucket.getBucketName());
    environment.put("SIGNAL_HUB_JOBS_TABLE", tables.jobs.getTableName());
    environment.put("SIGNAL_HUB_CACHE_TABLE", tables.cache.getTableName());
    environment.put("SIGNAL_HUB_RATE_TABLE", tables.rate.getTableName());
    environment.put("SIGNAL_HUB_BATCH_QUEUE", queues.batches.getQueueName());
    environment.put("SIGNAL_HUB_DEAD_LETTER_QUEUE", queues.deadLetters.getQueueName());
    environment.put("SIGNAL_HUB_CONTINUATION_QUEUE", queues.continuations.getQueueName());
    environment.put("SIGNAL_HUB_MAX_RECEIVE_COUNT", Integer.toString(settings.maxReceiveCount()));
    environment.put("SIGNAL_HUB_EMBEDDING_PROVIDER", settings.provider());
    environment.put("SIGNAL_HUB_EMBEDDING_MODEL", settings.model());
    environment.put("SIGNAL_HUB_MODE", settings.mode());
    environment.put("SIGNAL_HUB_RETRY_MAX_RETRIES", Integer.toString(settings.maxRetries()));
    environment.put(
        "SIGNAL_HUB_RATE_REQUESTS_PER_MINUTE", Long.toString(settings.requestsPerMinute()));
    environment.put("SIGNAL_HUB_RATE_TOKENS_PER_MINUTE", Long.toString(settings.tokensPerMinute()));
    putIfSet("SIGNAL_HUB_EMBEDDING_AZURE_ENDPOINT", settings.azureEndpoint());
    putIfSet("SIGNAL_HUB_EMBEDDING_AZURE_DEPLOYMENT", settings.azureDeployment());
    putIfSet("SIGNAL_HUB_EMBEDDING_AZURE_API_VERSION", settings.azureApiVersion());
    environment.put("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1");

    // memory: the fan-out streams and tokenizes (1 GiB); the embedder's default is one vCPU; the
    // status function only reads DynamoDB, but its cold start needs the CPU (below). See
    // docs/infrastructure.md.
    fanout = function("FanOut", zips.get("fanout"), "fanout", 1024, SignalHubStack.FANOUT_TIMEOUT);
    fanoutContinuation =
        function(
            "FanOutContinuation",
            zips.get("fanout"),
            "fanout-continuation",
            1024,
            SignalHubStack.FANOUT_TIMEOUT);
    embedder =
        function(
            "Embedder",
            zips.get("embedder"),
            "embed",
            settings.embedderMemoryMb(),
            SignalHubStack.EMBEDDER_TIMEOUT);
    deadLetterConsumer =
        function(
            "DeadLetterConsumer", zips.get("embedder"), "dead-letter", 1024, Duration.minutes(1));
    fanOutFailureConsumer =
        function(
            "FanOutFailureConsumer",
            zips.get("fanout"),
            "fanout-failed",
            1024,
            SignalHubStack.FAILURE_CONSUMER_TIMEOUT);
    // status: 1 GiB (about 0.58 vCPU), because a cold start without a snapshot costs ~2.6
    // CPU-seconds (docs/benchmarks.md, "Cold starts"): ~9 s at 512 MB, ~4.5 s at 1 GiB, well inside
    // 15 s (API Gateway waits up to 30 s)
    status = function("Status", zips.get("status"), null, 1024, Duration.seconds(15));
  }

  /** Every function, in the order they were created (each has its error and throttle alarms). */
  List<Function> all() {
    return List.copyOf(all);
  }

  /**
   * A function with its own role and log group (no managed policy: its grants are exact) and the
   * pipeline's environment; {@code handler} picks one of its zip's handlers (null: the only one).
   */
  Function function(String id, Path zip, String handler, int memory, Duration timeout) {
    LogGroup logs =
        LogGroup.Builder.create(stack, id + "Logs")
            .retention(RetentionDays.ONE_MONTH)
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    Role role =
        Role.Builder.create(stack, id + "Role")
            .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
            .build();
    Map<String, String> env = new HashMap<>(environment);
    if (handler != null) {
      env.put("QUARKUS_LAMBDA_HANDLER", handler);
    }
    Function function =
        Function.Builder.create(stack, id)
            .runtime(Runtime.JAVA_21)
            .architecture(Architecture.X86_64)
            .code(Code.fromAsset(zip.toString()))
            .handler(SignalHubStack.QUARKUS_HANDLER)
            .memorySize(memory)
            .timeout(timeout)
            .role(role)
            .logGroup(logs)
            .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
            .environment(env)
            .build();
    role.addToPolicy(
        PolicyStatement.Builder.create()
            .effect(Effect.ALLOW)
            .actions(List.of("logs:CreateLogStream", "logs:PutLogEvents"))
            .resources(List.of(logs.getLogGroupArn()))
            .build());
    all.add(function);
    return function;
  }

  /** The function's "live" alias (created on first use): where its events go. */
  Alias live(Function function) {
    return aliases.computeIfAbsent(
        function,
        f ->
            Alias.Builder.create(stack, f.getNode().getId() + "Live")
                .aliasName("live")
                .version(f.getCurrentVersion())
                .build());
  }

  /** Lets {@code function} do {@code actions} on {@code resources} (a statement in its role). */
  static void allow(Function function, List<String> actions, String... resources) {
    function.addToRolePolicy(
        PolicyStatement.Builder.create()
            .effect(Effect.ALLOW)
            .actions(actions)
            .resources(List.of(resources))
            .build());
  }

  private void putIfSet(String name, String value) {
    if (value != null && !value.isBlank()) {
      environment.put(name, value);
    }
  }
}
