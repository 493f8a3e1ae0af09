package io.signalhub.indexing.infra;

import java.nio.file.Path;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

/**
 * The deployed pipeline: bucket (manifests, sources, batch payloads, vectors), batch queue with its
 * DLQ, continuation queue, jobs/cache/rate tables, the fan-out, embedder and status functions (Java
 * 21, SnapStart behind a "live" alias), an IAM-authorized HTTP API, alarms. Every function has its
 * own role with only the actions and resources it uses (docs/infrastructure.md).
 *
 * <p>Each part ({@link IndexBucket}, {@link Queues}, {@link Tables}, {@link Functions}, {@link
 * Permissions}, {@link ProviderAccess}, {@link BedrockBatchAccess}, {@link Triggers}, {@link
 * StatusApi}, {@link Alarms}) is a class that adds its resources when constructed, in the stack's
 * own scope. They are not nested constructs on purpose: CloudFormation's logical IDs come from the
 * construct path, so moving the bucket or a table under a child construct would rename it, and a
 * renamed stateful resource is replaced (a new, empty bucket or table) on the next deploy. A new
 * part is one such class and one line below; one with nothing deployed before it may be a true
 * construct ({@link OperatorDashboard} is).
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

  final IndexBucket bucket;
  final Queues queues;
  final Tables tables;
  final Functions functions;
  final StatusApi statusApi;
  final Alarms alarms;

  public SignalHubStack(
      Construct scope,
      String id,
      StackProps props,
      StackSettings settings,
      Map<String, Path> zips,
      Path modelDirectory) {
    super(scope, id, props);
    bucket = new IndexBucket(this, settings);
    queues = new Queues(this, settings);
    tables = new Tables(this, settings);
    functions = new Functions(this, settings, zips, bucket, queues, tables);
    Permissions permissions = new Permissions(functions, bucket, queues, tables);
    permissions.pipeline();
    ProviderAccess provider = new ProviderAccess(this, settings, functions, bucket, modelDirectory);
    if (BedrockBatchAccess.applies(settings)) {
      new BedrockBatchAccess(this, settings, functions, bucket);
    }
    new EconomyAccess(settings, functions, queues);
    permissions.consumersAndStatus();
    new Triggers(settings, functions, bucket, queues);
    statusApi = new StatusApi(this, functions);
    alarms = new Alarms(this, settings, functions, queues);
    new OperatorDashboard(
        this,
        "Operations",
        new OperatorDashboard.Watched(
            functions.fanout,
            functions.fanoutContinuation,
            functions.embedder,
            functions.deadLetterConsumer,
            functions.status,
            queues.batches,
            queues.deadLetters,
            settings.tokensPerMinute(),
            settings.requestsPerMinute()));

    CfnOutput.Builder.create(this, "AlarmTopicArn")
        .value(alarms.topic.getTopicArn())
        .description(
            "Alarms notify this SNS topic: subscribe an address or a pager (-c alarmEmail=... does)")
        .build();
    CfnOutput.Builder.create(this, "BucketName")
        .value(bucket.bucket.getBucketName())
        .description("Upload manifests to s3://<bucket>/manifests/")
        .build();
    CfnOutput.Builder.create(this, "StatusApiUrl")
        .value(statusApi.api.getApiEndpoint())
        .description("GET <url>/jobs/{id}, signed with SigV4")
        .build();
  }

  /** Bucket and tables stay when the stack is deleted, unless {@code retainData} is false. */
  static RemovalPolicy removalPolicy(StackSettings settings) {
    return settings.retainData() ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
  }
}
