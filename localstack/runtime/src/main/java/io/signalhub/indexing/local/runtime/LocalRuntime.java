package io.signalhub.indexing.local.runtime;

import io.signalhub.indexing.aws.AwsEndpoints;
import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.aws.AwsResources;
import io.signalhub.indexing.aws.lambda.EconomyPolls;
import io.signalhub.indexing.aws.lambda.FanOutFailureLogic;
import io.signalhub.indexing.aws.lambda.PartialBatchProcessor;
import io.signalhub.indexing.aws.local.SqsEventSource;
import io.signalhub.indexing.aws.sqs.SqsBatchQueue;
import io.signalhub.indexing.core.economy.EconomyConfig;
import io.signalhub.indexing.core.economy.EconomyService;
import io.signalhub.indexing.core.economy.ProviderBatchApis;
import io.signalhub.indexing.core.pipeline.EmbedderService;
import io.signalhub.indexing.core.pipeline.FanOutFailureService;
import io.signalhub.indexing.core.pipeline.JobsApi;
import io.signalhub.indexing.core.pipeline.Keys;
import io.signalhub.indexing.core.pipeline.PipelineRecovery;
import io.signalhub.indexing.core.pipeline.PipelineSettings;
import io.signalhub.indexing.core.provider.EmbeddingProvider;
import io.signalhub.indexing.core.provider.EmbeddingProviders;
import io.signalhub.indexing.core.provider.ModelProfile;
import io.signalhub.indexing.core.provider.ProviderSettings;
import io.signalhub.indexing.core.retry.Sleeper;
import io.signalhub.indexing.local.services.EdgeGateway;
import io.signalhub.indexing.local.services.EmbeddedAwsServices;
import io.signalhub.indexing.local.services.S3Notification;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The whole pipeline on one machine: the embedded AWS-compatible services and a runtime that plays
 * Lambda's part with the deployed semantics — S3 notifications invoke the fan-out, SQS event source
 * mappings (batch size, maximum concurrency, visibility timeout, partial batch responses, redrive
 * to the DLQ) drive the embedder and the DLQ consumer, and the status routes are served on
 * localhost. The functions' code is the deployed code; only the event plumbing is local.
 */
public final class LocalRuntime implements AutoCloseable {

  /**
   * Where each service listens by default: LocalStack's classic per-service ports, and its edge
   * port, one endpoint for all three.
   */
  public record Ports(int s3, int sqs, int dynamodb, int status, int edge) {
    public static final Ports DEFAULT = new Ports(4572, 4576, 4569, 4580, 4566);
    public static final Ports ANY = new Ports(0, 0, 0, 0, 0);
  }

  private final EmbeddedAwsServices services;
  private final EdgeGateway edge;
  private final AwsPipeline pipeline;

  /** Longer than a batch takes at the provider, short enough for a command to exit promptly. */
  private static final Duration HANDLERS_FINISH_WITHIN = Duration.ofSeconds(20);

  private final EmbeddingProvider provider;
  private final FanOutInvocations fanOuts;
  private final List<SqsEventSource> eventSources = new ArrayList<>();
  private final StatusHttpServer status;

  /** One fan-out invocation of the manifest keys an event names (a test may make it crash). */
  @FunctionalInterface
  interface FanOutFunction {
    void invoke(List<String> manifestKeys);
  }

  private LocalRuntime(
      Ports ports,
      Path dataDir,
      ProviderSettings providerSettings,
      Function<String, java.util.Optional<String>> config,
      UnaryOperator<FanOutFunction> fanOutWrapper,
      Clock clock,
      Sleeper sleeper)
      throws Exception {
    // Lambda retries a failed asynchronous invocation twice, about 1 and 2 minutes later
    // (docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html)
    fanOuts =
        new FanOutInvocations(
            fanOutWrapper,
            Duration.ofMillis(
                config
                    .apply("signal-hub.local.fanout-retry-delay-ms")
                    .map(Long::parseLong)
                    .orElse(60_000L)));
    PipelineSettings settings = PipelineSettings.from(config);
    services =
        EmbeddedAwsServices.start(
            new EmbeddedAwsServices.Ports(ports.s3(), ports.sqs(), ports.dynamodb()), dataDir);
    // the stack's notification, as infra/ configures it: manifests/*.json in its bucket only
    services.addNotification(
        new S3Notification(settings.bucket(), Keys.MANIFESTS, ".json", fanOuts::onS3Event));
    edge = EdgeGateway.start(ports.edge(), services.edgeRoutes());
    pipeline =
        new AwsPipeline(
            settings,
            AwsEndpoints.local(
                services.s3Endpoint(), services.sqsEndpoint(), services.dynamoEndpoint()),
            clock,
            sleeper);
    // visibility timeout >= 6x the embedder's timeout, as AWS advises for SQS event sources
    AwsResources.createAll(pipeline, Duration.ofSeconds(6 * 30));
    provider = EmbeddingProviders.create(providerSettings);
    EconomyService economy =
        pipeline.economy(
            ProviderBatchApis.forSettings(
                providerSettings,
                new ProviderBatchApis.Storage(
                    pipeline.blobs(),
                    settings.bucket(),
                    config.apply("signal-hub.bedrock.batch-role-arn").orElse(null))),
            EconomyConfig.from(config));
    fanOuts.attach(
        pipeline, pipeline.fanOut(ModelProfile.of(providerSettings.provider(), provider), economy));
    EmbedderService embedder = pipeline.embedder(provider);
    eventSources.add(
        new SqsEventSource(
            pipeline.sqs(),
            pipeline.queueUrl(settings.batchQueue()),
            10,
            settings.concurrency(),
            event ->
                PartialBatchProcessor.process(
                    event,
                    settings.concurrency(),
                    embedder::process,
                    EconomyPolls.poller(economy))));
    eventSources.add(
        new SqsEventSource(
            pipeline.sqs(),
            pipeline.queueUrl(settings.deadLetterQueue()),
            10,
            1,
            event ->
                PartialBatchProcessor.process(
                    event,
                    1,
                    pipeline.accounting()::failDeadLettered,
                    EconomyPolls.deadLettered(economy))));
    eventSources.add(
        new SqsEventSource(
            pipeline.sqs(),
            pipeline.queueUrl(settings.continuationQueue()),
            1,
            // Lambda runs one invocation per continuation, so a sharded manifest's shards run in
            // parallel; on a laptop's few cores, this many at once
            config.apply("signal-hub.local.fanout-concurrency").map(Integer::parseInt).orElse(4),
            fanOuts::invokeContinuations));
    FanOutFailureService failures =
        pipeline.fanOutFailures(providerSettings.provider(), provider.model());
    eventSources.add(
        new SqsEventSource(
            pipeline.sqs(),
            pipeline.queueUrl(settings.fanOutFailureQueue()),
            10,
            1,
            event -> FanOutFailureLogic.process(event, failures)));
    // signal-hub.local.embedders=0 starts no embedder pollers (tests stop a job half-way this way)
    if (config.apply("signal-hub.local.embedders").map(Integer::parseInt).orElse(1) > 0) {
      eventSources.forEach(SqsEventSource::start);
    }
    status = new StatusHttpServer(ports.status(), new JobsApi(pipeline.status()));
    if (dataDir != null) {
      new PipelineRecovery(
              pipeline.jobs(),
              new SqsBatchQueue(
                  pipeline.sqs(), pipeline.queueUrl(settings.batchQueue()), Sleeper.system()))
          .recover((manifestKey, deadline) -> fanOuts.resumeLater(manifestKey));
    }
  }

  /**
   * Starts everything.
   *
   * @param dataDir where tables and objects persist across restarts, or null for memory only
   * @param config the pipeline's settings (signal-hub.* keys)
   */
  public static LocalRuntime start(
      Ports ports,
      Path dataDir,
      ProviderSettings provider,
      Function<String, java.util.Optional<String>> config)
      throws Exception {
    return start(ports, dataDir, provider, config, Clock.systemUTC(), Sleeper.system());
  }

  /**
   * The same, with the pipeline's clock and the embedders' waits on {@code clock} and {@code
   * sleeper} (the benchmarks run a faster clock against a time-scaled simulator).
   */
  public static LocalRuntime start(
      Ports ports,
      Path dataDir,
      ProviderSettings provider,
      Function<String, java.util.Optional<String>> config,
      Clock clock,
      Sleeper sleeper)
      throws Exception {
    return new LocalRuntime(
        ports, dataDir, provider, config, UnaryOperator.identity(), clock, sleeper);
  }

  /** The same, with the fan-out replaced by what {@code fanOutWrapper} makes of it. */
  static LocalRuntime start(
      Ports ports,
      ProviderSettings provider,
      Function<String, java.util.Optional<String>> config,
      UnaryOperator<FanOutFunction> fanOutWrapper)
      throws Exception {
    return new LocalRuntime(
        ports, null, provider, config, fanOutWrapper, Clock.systemUTC(), Sleeper.system());
  }

  public AwsPipeline pipeline() {
    return pipeline;
  }

  public EmbeddingProvider provider() {
    return provider;
  }

  public URI s3Endpoint() {
    return services.s3Endpoint();
  }

  public URI sqsEndpoint() {
    return services.sqsEndpoint();
  }

  public URI dynamoEndpoint() {
    return services.dynamoEndpoint();
  }

  /** One endpoint for S3, SQS and DynamoDB ({@code AWS_ENDPOINT_URL}). */
  public URI edgeEndpoint() {
    return edge.endpoint();
  }

  public URI statusUrl() {
    return status.url();
  }

  public String bucket() {
    return pipeline.settings().bucket();
  }

  /** The lines a user pastes into a shell to reach this stack with any AWS client. */
  public String exports() {
    return String.join(
        "\n",
        "export AWS_ENDPOINT_URL_S3=" + s3Endpoint(),
        "export AWS_ENDPOINT_URL_SQS=" + sqsEndpoint(),
        "export AWS_ENDPOINT_URL_DYNAMODB=" + dynamoEndpoint(),
        "export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1",
        "export SIGNAL_HUB_BUCKET=" + bucket(),
        "export SIGNAL_HUB_STATUS_URL=" + statusUrl(),
        "# or one endpoint for all three, as LocalStack users are used to:",
        "#   export AWS_ENDPOINT_URL=" + edgeEndpoint());
  }

  /**
   * Stops every poller at once, then lets the batches already at the provider finish (a Ctrl-C's
   * summary counted them as going on) before the clients they write with close under them, which
   * printed "Connection pool shut down" stack traces after the summary.
   */
  @Override
  public void close() throws Exception {
    eventSources.forEach(SqsEventSource::stopPolling);
    long deadline = System.nanoTime() + HANDLERS_FINISH_WITHIN.toNanos();
    for (SqsEventSource source : eventSources) {
      source.awaitStopped(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }
    status.close();
    edge.close();
    fanOuts.close();
    provider.close();
    pipeline.close();
    services.close();
  }
}
