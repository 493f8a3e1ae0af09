package io.signalhub.indexing.infra;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpIamAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.services.apigatewayv2.AddRoutesOptions;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.HttpMethod;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.EventInvokeConfigOptions;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.destinations.SqsDestination;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.EventType;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.NotificationKeyFilter;
import software.amazon.awscdk.services.s3.deployment.BucketDeployment;
import software.amazon.awscdk.services.s3.deployment.Source;
import software.amazon.awscdk.services.s3.notifications.LambdaDestination;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The deployed pipeline: bucket (manifests, sources, batch payloads, vectors), batch queue with its
 * DLQ, continuation queue, jobs/cache/rate tables, the fan-out, embedder and status functions (Java
 * 21, SnapStart behind a "live" alias), an IAM-authorized HTTP API, alarms. Every function has its
 * own role with only the actions and resources it uses (docs/infrastructure.md).
 */
public final class SignalHubStack extends Stack {

  static final String QUARKUS_HANDLER =
      "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest";
  static final Duration EMBEDDER_TIMEOUT = Duration.minutes(5);
  static final Duration FANOUT_TIMEOUT = Duration.minutes(15);
  static final Duration FAILURE_CONSUMER_TIMEOUT = Duration.minutes(1);

  /**
   * Attempts of a fan-out before its job fails: Lambda's asynchronous invocation and its two
   * retries; as many receives of a continuation.
   */
  static final int FANOUT_ATTEMPTS = 3;

  final Bucket bucket;
  final Queue batches;
  final Queue deadLetters;
  final Queue continuations;
  final Queue fanOutFailures;
  final Table jobs;
  final Table cache;
  final Table rate;
  final Function fanout;
  final Function fanoutContinuation;
  final Function embedder;
  final Function deadLetterConsumer;
  final Function fanOutFailureConsumer;
  final Function status;
  final HttpApi api;

  public SignalHubStack(
      Construct scope,
      String id,
      StackProps props,
      StackSettings settings,
      Map<String, Path> zips,
      Path modelDirectory) {
    super(scope, id, props);
    RemovalPolicy removal = settings.retainData() ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    bucket =
        Bucket.Builder.create(this, "Bucket")
            .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
            .encryption(BucketEncryption.S3_MANAGED)
            .enforceSsl(true)
            .lifecycleRules(
                List.of(
                    LifecycleRule.builder()
                        .id("expire-batch-payloads")
                        .prefix("batches/")
                        .expiration(Duration.days(settings.batchRetentionDays()))
                        .build(),
                    LifecycleRule.builder()
                        .id("abort-incomplete-uploads")
                        .abortIncompleteMultipartUploadAfter(Duration.days(1))
                        .build()))
            .removalPolicy(removal)
            .autoDeleteObjects(!settings.retainData())
            .build();

    deadLetters =
        Queue.Builder.create(this, "BatchDeadLetters")
            .encryption(QueueEncryption.SQS_MANAGED)
            .enforceSsl(true)
            .retentionPeriod(Duration.days(14))
            .build();
    // Lambda advises a visibility timeout of at least 6x the function timeout for SQS sources
    // (docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html)
    batches =
        Queue.Builder.create(this, "Batches")
            .encryption(QueueEncryption.SQS_MANAGED)
            .enforceSsl(true)
            .visibilityTimeout(Duration.seconds(6 * EMBEDDER_TIMEOUT.toSeconds().longValue()))
            .retentionPeriod(Duration.days(4))
            .deadLetterQueue(
                DeadLetterQueue.builder()
                    .queue(deadLetters)
                    .maxReceiveCount(settings.maxReceiveCount())
                    .build())
            .build();
    // fan-outs that failed on every attempt: the S3-triggered invocation's on-failure destination
    // and the continuation queue's DLQ; a consumer ends their jobs FAILED (invariant 9)
    fanOutFailures =
        Queue.Builder.create(this, "FanOutFailures")
            .encryption(QueueEncryption.SQS_MANAGED)
            .enforceSsl(true)
            .retentionPeriod(Duration.days(14))
            .visibilityTimeout(
                Duration.seconds(6 * FAILURE_CONSUMER_TIMEOUT.toSeconds().longValue()))
            .build();
    continuations =
        Queue.Builder.create(this, "FanOutContinuations")
            .encryption(QueueEncryption.SQS_MANAGED)
            .enforceSsl(true)
            .visibilityTimeout(Duration.seconds(6 * FANOUT_TIMEOUT.toSeconds().longValue()))
            .deadLetterQueue(
                DeadLetterQueue.builder()
                    .queue(fanOutFailures)
                    .maxReceiveCount(FANOUT_ATTEMPTS)
                    .build())
            .build();

    jobs =
        Table.Builder.create(this, "Jobs")
            .partitionKey(Attribute.builder().name("pk").type(AttributeType.STRING).build())
            .sortKey(Attribute.builder().name("sk").type(AttributeType.STRING).build())
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .pointInTimeRecoverySpecification(
                PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
            .encryption(TableEncryption.AWS_MANAGED)
            .timeToLiveAttribute("expiresAt")
            .removalPolicy(removal)
            .build();
    jobs.addGlobalSecondaryIndex(
        GlobalSecondaryIndexProps.builder()
            .indexName("byCreated")
            .partitionKey(Attribute.builder().name("gsi1pk").type(AttributeType.STRING).build())
            .sortKey(Attribute.builder().name("createdAt").type(AttributeType.STRING).build())
            .build());
    cache =
        Table.Builder.create(this, "EmbeddingCache")
            .partitionKey(Attribute.builder().name("key").type(AttributeType.STRING).build())
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .pointInTimeRecoverySpecification(
                PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
            .encryption(TableEncryption.AWS_MANAGED)
            .timeToLiveAttribute("expiresAt")
            .removalPolicy(removal)
            .build();
    rate =
        Table.Builder.create(this, "RateBudget")
            .partitionKey(Attribute.builder().name("budget").type(AttributeType.STRING).build())
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .pointInTimeRecoverySpecification(
                PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
            .encryption(TableEncryption.AWS_MANAGED)
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();

    Map<String, String> environment = new HashMap<>();
    environment.put("SIGNAL_HUB_BUCKET", bucket.getBucketName());
    environment.put("SIGNAL_HUB_JOBS_TABLE", jobs.getTableName());
    environment.put("SIGNAL_HUB_CACHE_TABLE", cache.getTableName());
    environment.put("SIGNAL_HUB_RATE_TABLE", rate.getTableName());
    environment.put("SIGNAL_HUB_BATCH_QUEUE", batches.getQueueName());
    environment.put("SIGNAL_HUB_DEAD_LETTER_QUEUE", deadLetters.getQueueName());
    environment.put("SIGNAL_HUB_CONTINUATION_QUEUE", continuations.getQueueName());
    environment.put("SIGNAL_HUB_MAX_RECEIVE_COUNT", Integer.toString(settings.maxReceiveCount()));
    environment.put("SIGNAL_HUB_EMBEDDING_PROVIDER", settings.provider());
    environment.put("SIGNAL_HUB_EMBEDDING_MODEL", settings.model());
    environment.put("SIGNAL_HUB_RETRY_MAX_RETRIES", Integer.toString(settings.maxRetries()));
    environment.put(
        "SIGNAL_HUB_RATE_REQUESTS_PER_MINUTE", Long.toString(settings.requestsPerMinute()));
    environment.put("SIGNAL_HUB_RATE_TOKENS_PER_MINUTE", Long.toString(settings.tokensPerMinute()));
    putIfSet(environment, "SIGNAL_HUB_EMBEDDING_AZURE_ENDPOINT", settings.azureEndpoint());
    putIfSet(environment, "SIGNAL_HUB_EMBEDDING_AZURE_DEPLOYMENT", settings.azureDeployment());
    putIfSet(environment, "SIGNAL_HUB_EMBEDDING_AZURE_API_VERSION", settings.azureApiVersion());
    environment.put("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1");

    // memory: the fan-out streams and tokenizes (1 GiB); the embedder's default is one vCPU; the
    // status function only reads DynamoDB, but its cold start needs the CPU (below). See
    // docs/infrastructure.md.
    fanout = function("FanOut", zips.get("fanout"), "fanout", 1024, FANOUT_TIMEOUT, environment);
    fanoutContinuation =
        function(
            "FanOutContinuation",
            zips.get("fanout"),
            "fanout-continuation",
            1024,
            FANOUT_TIMEOUT,
            environment);
    embedder =
        function(
            "Embedder",
            zips.get("embedder"),
            "embed",
            settings.embedderMemoryMb(),
            EMBEDDER_TIMEOUT,
            environment);
    deadLetterConsumer =
        function(
            "DeadLetterConsumer",
            zips.get("embedder"),
            "dead-letter",
            1024,
            Duration.minutes(1),
            environment);
    fanOutFailureConsumer =
        function(
            "FanOutFailureConsumer",
            zips.get("fanout"),
            "fanout-failed",
            1024,
            FAILURE_CONSUMER_TIMEOUT,
            environment);
    // status: 1 GiB (about 0.58 vCPU), because a cold start without a snapshot costs ~2.6
    // CPU-seconds (docs/benchmarks.md, "Cold starts"): ~9 s at 512 MB, ~4.5 s at 1 GiB, well inside
    // 15 s (API Gateway waits up to 30 s)
    status = function("Status", zips.get("status"), null, 1024, Duration.seconds(15), environment);

    // fan-out: reads manifests and sources, writes batch payloads and cached vectors, registers
    // jobs
    for (Function f : List.of(fanout, fanoutContinuation)) {
      allow(
          f,
          List.of("s3:GetObject"),
          bucket.arnForObjects("manifests/*"),
          bucket.arnForObjects("sources/*"));
      allow(
          f,
          List.of("s3:PutObject"),
          bucket.arnForObjects("batches/*"),
          bucket.arnForObjects("vectors/*"));
      allow(
          f,
          List.of(
              "dynamodb:GetItem",
              "dynamodb:PutItem",
              "dynamodb:UpdateItem",
              "dynamodb:ConditionCheckItem"),
          jobs.getTableArn());
      allow(f, List.of("dynamodb:BatchGetItem"), cache.getTableArn());
      allow(
          f,
          List.of("sqs:SendMessage", "sqs:GetQueueUrl"),
          batches.getQueueArn(),
          continuations.getQueueArn());
    }
    // embedder and DLQ consumer: read payloads (and the local model), write vectors, account
    for (Function f : List.of(embedder, deadLetterConsumer)) {
      allow(
          f,
          List.of("s3:GetObject"),
          bucket.arnForObjects("batches/*"),
          bucket.arnForObjects("models/*"));
      allow(f, List.of("s3:PutObject"), bucket.arnForObjects("vectors/*"));
      allow(
          f,
          List.of(
              "dynamodb:GetItem",
              "dynamodb:PutItem",
              "dynamodb:UpdateItem",
              "dynamodb:ConditionCheckItem"),
          jobs.getTableArn());
      allow(f, List.of("dynamodb:BatchGetItem", "dynamodb:BatchWriteItem"), cache.getTableArn());
      allow(f, List.of("dynamodb:GetItem", "dynamodb:PutItem"), rate.getTableArn());
    }
    if (settings.provider().equals("bedrock")) {
      allow(
          embedder,
          List.of("bedrock:InvokeModel"),
          "arn:"
              + getPartition()
              + ":bedrock:"
              + getRegion()
              + "::foundation-model/"
              + settings.model());
    }
    if (settings.provider().equals("openai") || settings.provider().equals("azure-openai")) {
      // the key lives in Secrets Manager; the embedder reads it at start, never from a plain
      // variable
      Secret key =
          Secret.Builder.create(this, "EmbeddingApiKey")
              .description(
                  "API key of the OpenAI-compatible embedding provider; set its value after the first deploy")
              .build();
      allow(embedder, List.of("secretsmanager:GetSecretValue"), key.getSecretArn());
      embedder.addEnvironment("SIGNAL_HUB_EMBEDDING_API_KEY_SECRET_ARN", key.getSecretArn());
      CfnOutput.Builder.create(this, "ApiKeySecretArn")
          .value(key.getSecretArn())
          .description("Put the provider's API key here")
          .build();
    }
    if (settings.provider().equals("local")) {
      BucketDeployment.Builder.create(this, "LocalModelWeights")
          .sources(List.of(Source.asset(modelDirectory.toString())))
          .destinationBucket(bucket)
          .destinationKeyPrefix("models/")
          .prune(false)
          .build();
    }
    // fan-out failure consumer: creates the job if the fan-out never did, and fails it
    allow(
        fanOutFailureConsumer,
        List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"),
        jobs.getTableArn());
    // status: reads jobs only
    allow(
        status,
        List.of("dynamodb:GetItem", "dynamodb:Query"),
        jobs.getTableArn(),
        jobs.getTableArn() + "/index/byCreated");
    for (Function f : List.of(fanout, fanoutContinuation, embedder, deadLetterConsumer)) {
      allow(f, List.of("dynamodb:Query"), jobs.getTableArn());
    }

    Alias fanoutLive = live(fanout);
    // S3 invokes asynchronously: Lambda retries a failed invocation twice, then sends the event
    // and the error to the destination (docs.aws.amazon.com/lambda/latest/dg/invocation-async.html)
    fanoutLive.configureAsyncInvoke(
        EventInvokeConfigOptions.builder()
            .retryAttempts(FANOUT_ATTEMPTS - 1)
            .onFailure(new SqsDestination(fanOutFailures))
            .build());
    bucket.addEventNotification(
        EventType.OBJECT_CREATED,
        new LambdaDestination(fanoutLive),
        NotificationKeyFilter.builder().prefix("manifests/").suffix(".json").build());
    live(fanoutContinuation)
        .addEventSource(
            SqsEventSource.Builder.create(continuations)
                .batchSize(1)
                .reportBatchItemFailures(false)
                .build());
    live(embedder)
        .addEventSource(
            SqsEventSource.Builder.create(batches)
                .batchSize(settings.embedderBatchSize())
                .maxBatchingWindow(Duration.seconds(settings.batchingWindowSeconds()))
                .maxConcurrency(settings.embedderConcurrency())
                .reportBatchItemFailures(true)
                .build());
    live(deadLetterConsumer)
        .addEventSource(
            SqsEventSource.Builder.create(deadLetters)
                .batchSize(10)
                .reportBatchItemFailures(true)
                .build());
    live(fanOutFailureConsumer)
        .addEventSource(
            SqsEventSource.Builder.create(fanOutFailures)
                .batchSize(10)
                .reportBatchItemFailures(true)
                .build());

    api =
        HttpApi.Builder.create(this, "StatusApi")
            .description("Signal Hub job status (IAM-authorized: sign requests with SigV4)")
            .createDefaultStage(true)
            .build();
    HttpLambdaIntegration integration =
        new HttpLambdaIntegration("StatusIntegration", live(status));
    // "/" is the status page's jobs list (browsers get HTML, API clients JSON)
    for (String path : List.of("/", "/jobs", "/jobs/{id}")) {
      api.addRoutes(
          AddRoutesOptions.builder()
              .path(path)
              .methods(List.of(HttpMethod.GET))
              .integration(integration)
              .authorizer(new HttpIamAuthorizer())
              .build());
    }

    Topic alarms =
        Topic.Builder.create(this, "Alarms")
            .displayName("Signal Hub Indexing alarms")
            .enforceSsl(true)
            .build();
    if (settings.alarmEmail() != null) {
      alarms.addSubscription(new EmailSubscription(settings.alarmEmail()));
    }
    alarmAction = new SnsAction(alarms);
    alarm(
        "DeadLetterQueueNotEmpty",
        deadLetters.metricApproximateNumberOfMessagesVisible(),
        1,
        "Batches failed every receive; the DLQ consumer counts them failed. Investigate the embedder's logs.");
    for (Function f :
        List.of(
            fanout,
            fanoutContinuation,
            embedder,
            deadLetterConsumer,
            fanOutFailureConsumer,
            status)) {
      alarm(
          f.getNode().getId() + "Errors",
          f.metricErrors(),
          1,
          "The function failed; see its log group.");
      alarm(
          f.getNode().getId() + "Throttles",
          f.metricThrottles(),
          1,
          "Lambda throttled the function; raise its concurrency or the account limit.");
    }

    new OperatorDashboard(
        this,
        "Operations",
        new OperatorDashboard.Watched(
            fanout,
            fanoutContinuation,
            embedder,
            deadLetterConsumer,
            status,
            batches,
            deadLetters,
            settings.tokensPerMinute(),
            settings.requestsPerMinute()));

    CfnOutput.Builder.create(this, "AlarmTopicArn")
        .value(alarms.getTopicArn())
        .description(
            "Alarms notify this SNS topic: subscribe an address or a pager (-c alarmEmail=... does)")
        .build();
    CfnOutput.Builder.create(this, "BucketName")
        .value(bucket.getBucketName())
        .description("Upload manifests to s3://<bucket>/manifests/")
        .build();
    CfnOutput.Builder.create(this, "StatusApiUrl")
        .value(api.getApiEndpoint())
        .description("GET <url>/jobs/{id}, signed with SigV4")
        .build();
  }

  private static void putIfSet(Map<String, String> environment, String name, String value) {
    if (value != null && !value.isBlank()) {
      environment.put(name, value);
    }
  }

  /** A function with its own role and log group (no managed policy: its grants are exact). */
  private Function function(
      String id,
      Path zip,
      String handler,
      int memory,
      Duration timeout,
      Map<String, String> environment) {
    LogGroup logs =
        LogGroup.Builder.create(this, id + "Logs")
            .retention(RetentionDays.ONE_MONTH)
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    Role role =
        Role.Builder.create(this, id + "Role")
            .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
            .build();
    Map<String, String> env = new HashMap<>(environment);
    if (handler != null) {
      env.put("QUARKUS_LAMBDA_HANDLER", handler);
    }
    Function function =
        Function.Builder.create(this, id)
            .runtime(Runtime.JAVA_21)
            .architecture(Architecture.X86_64)
            .code(Code.fromAsset(zip.toString()))
            .handler(QUARKUS_HANDLER)
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
    return function;
  }

  private static void allow(Function function, List<String> actions, String... resources) {
    function.addToRolePolicy(
        PolicyStatement.Builder.create()
            .effect(Effect.ALLOW)
            .actions(actions)
            .resources(List.of(resources))
            .build());
  }

  /** SnapStart applies to published versions: events go to the "live" alias of the current one. */
  private final Map<Function, Alias> aliases = new HashMap<>();

  private Alias live(Function function) {
    return aliases.computeIfAbsent(
        function,
        f ->
            Alias.Builder.create(this, f.getNode().getId() + "Live")
                .aliasName("live")
                .version(f.getCurrentVersion())
                .build());
  }

  /** Where every alarm sends its notice (the Alarms topic). */
  private SnsAction alarmAction;

  private void alarm(
      String id,
      software.amazon.awscdk.services.cloudwatch.IMetric metric,
      double threshold,
      String description) {
    Alarm.Builder.create(this, id)
        .metric(metric)
        .threshold(threshold)
        .evaluationPeriods(1)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
        .treatMissingData(TreatMissingData.NOT_BREACHING)
        .alarmDescription(description)
        .build()
        .addAlarmAction(alarmAction);
  }
}
