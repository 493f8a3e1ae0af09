package io.signalhub.indexing.aws;

import io.signalhub.indexing.aws.dynamodb.DynamoEconomyStore;
import io.signalhub.indexing.aws.dynamodb.DynamoEmbeddingCache;
import io.signalhub.indexing.aws.dynamodb.DynamoJobStore;
import io.signalhub.indexing.aws.dynamodb.DynamoRateBudget;
import io.signalhub.indexing.aws.metrics.EmfMetrics;
import io.signalhub.indexing.aws.s3.S3BlobStore;
import io.signalhub.indexing.aws.sqs.SqsBatchQueue;
import io.signalhub.indexing.aws.sqs.SqsPollScheduler;
import io.signalhub.indexing.core.ProviderCaller;
import io.signalhub.indexing.core.cache.EmbeddingCache;
import io.signalhub.indexing.core.economy.EconomyConfig;
import io.signalhub.indexing.core.economy.EconomyPorts;
import io.signalhub.indexing.core.economy.EconomyService;
import io.signalhub.indexing.core.economy.ProviderBatchApi;
import io.signalhub.indexing.core.job.JobStore;
import io.signalhub.indexing.core.metrics.PipelineMetrics;
import io.signalhub.indexing.core.pipeline.BatchAccounting;
import io.signalhub.indexing.core.pipeline.BlobStore;
import io.signalhub.indexing.core.pipeline.EmbedderService;
import io.signalhub.indexing.core.pipeline.FanOutFailureService;
import io.signalhub.indexing.core.pipeline.FanOutService;
import io.signalhub.indexing.core.pipeline.JobStatusService;
import io.signalhub.indexing.core.pipeline.PipelineSettings;
import io.signalhub.indexing.core.provider.EmbeddingProvider;
import io.signalhub.indexing.core.provider.ModelProfile;
import io.signalhub.indexing.core.ratelimit.RateBudget;
import io.signalhub.indexing.core.retry.Sleeper;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Wires the pipeline's services to AWS: the clients, the adapters, the services. The Lambdas and
 * the local runtime build it the same way, so what runs locally is what runs deployed.
 */
public final class AwsPipeline implements AutoCloseable {

  /** Cache entries live this long without being rewritten. */
  public static final Duration CACHE_RETENTION = Duration.ofDays(180);

  private final PipelineSettings settings;
  private final Clock clock;
  private final Sleeper sleeper;
  private final S3Client s3;
  private final SqsClient sqs;
  private final DynamoDbClient dynamo;
  private final JobStore jobs;
  private final BlobStore blobs;
  private final EmbeddingCache cache;
  private final PipelineMetrics metrics;

  public AwsPipeline(PipelineSettings settings, AwsEndpoints endpoints, Clock clock) {
    this(settings, endpoints, clock, Sleeper.system());
  }

  /** With the embedder's waits on {@code sleeper}, and no metrics (not in a Lambda). */
  public AwsPipeline(
      PipelineSettings settings, AwsEndpoints endpoints, Clock clock, Sleeper sleeper) {
    this(settings, endpoints, clock, sleeper, PipelineMetrics.NONE);
  }

  /**
   * With the embedder's waits on {@code sleeper} (tests run a faster clock and sleeper) and its
   * metrics to {@code metrics}.
   */
  public AwsPipeline(
      PipelineSettings settings,
      AwsEndpoints endpoints,
      Clock clock,
      Sleeper sleeper,
      PipelineMetrics metrics) {
    this.settings = settings;
    this.clock = clock;
    this.sleeper = sleeper;
    Region region = Region.of(endpoints.region());
    AwsCredentialsProvider credentials = credentials(endpoints);
    var http = ApacheHttpClient.builder().connectionMaxIdleTime(Duration.ofSeconds(5));
    var s3Builder =
        S3Client.builder().region(region).credentialsProvider(credentials).httpClientBuilder(http);
    endpoints.s3().ifPresent(uri -> s3Builder.endpointOverride(uri).forcePathStyle(true));
    var sqsBuilder =
        SqsClient.builder().region(region).credentialsProvider(credentials).httpClientBuilder(http);
    endpoints.sqs().ifPresent(sqsBuilder::endpointOverride);
    var dynamoBuilder =
        DynamoDbClient.builder()
            .region(region)
            .credentialsProvider(credentials)
            .httpClientBuilder(http);
    endpoints.dynamodb().ifPresent(dynamoBuilder::endpointOverride);
    this.s3 = s3Builder.build();
    this.sqs = sqsBuilder.build();
    this.dynamo = dynamoBuilder.build();
    this.jobs = new DynamoJobStore(dynamo, settings.jobsTable());
    this.blobs = new S3BlobStore(s3, settings.bucket());
    this.cache = new DynamoEmbeddingCache(dynamo, settings.cacheTable(), clock, CACHE_RETENTION);
    this.metrics = metrics;
  }

  /**
   * The pipeline as a function configures it: settings through {@code lookup} (Quarkus config in a
   * Lambda, system properties and environment locally), endpoints from the standard variables,
   * metrics in CloudWatch's embedded format when {@code AWS_LAMBDA_FUNCTION_NAME} says it runs in a
   * Lambda.
   */
  public static AwsPipeline fromConfig(
      java.util.function.Function<String, java.util.Optional<String>> lookup) {
    Clock clock = Clock.systemUTC();
    return new AwsPipeline(
        PipelineSettings.from(lookup),
        AwsEndpoints.fromSystem(),
        clock,
        Sleeper.system(),
        EmfMetrics.forEnvironment(System.getenv(), clock));
  }

  /** Local endpoints take any credentials; the real ones come from the default chain. */
  private static AwsCredentialsProvider credentials(AwsEndpoints endpoints) {
    boolean local =
        endpoints.s3().map(uri -> uri.getHost().matches("localhost|127\\.0\\.0\\.1")).orElse(false);
    return local && !endpoints.accessKeyConfigured()
        ? StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))
        : DefaultCredentialsProvider.builder().build();
  }

  public S3Client s3() {
    return s3;
  }

  public SqsClient sqs() {
    return sqs;
  }

  public DynamoDbClient dynamo() {
    return dynamo;
  }

  public PipelineSettings settings() {
    return settings;
  }

  public JobStore jobs() {
    return jobs;
  }

  public BlobStore blobs() {
    return blobs;
  }

  public EmbeddingCache cache() {
    return cache;
  }

  public String queueUrl(String queueName) {
    return sqs.getQueueUrl(r -> r.queueName(queueName)).queueUrl();
  }

  public FanOutService fanOut(ModelProfile model) {
    return new FanOutService(
        settings,
        jobs,
        blobs,
        new SqsBatchQueue(sqs, queueUrl(settings.batchQueue()), Sleeper.system()),
        cache,
        model,
        clock,
        metrics);
  }

  /**
   * Economy mode: the provider's batch API behind the batch queue, polled by delayed messages on
   * the same queue; economy state in the jobs table.
   *
   * @param api the provider's batch API, or null when it has none
   */
  public EconomyService economy(ProviderBatchApi api, EconomyConfig config) {
    String batchQueueUrl = queueUrl(settings.batchQueue());
    return new EconomyService(
        new EconomyPorts(
            jobs,
            blobs,
            cache,
            new DynamoEconomyStore(dynamo, settings.jobsTable()),
            api,
            new SqsBatchQueue(sqs, batchQueueUrl, Sleeper.system()),
            new SqsPollScheduler(sqs, batchQueueUrl),
            accounting(),
            config,
            clock));
  }

  /** The fan-out whose batches go through {@code economy} (on demand or to the batch API). */
  public FanOutService fanOut(ModelProfile model, EconomyService economy) {
    return new FanOutService(settings, jobs, blobs, economy.queue(), cache, model, clock, metrics);
  }

  /**
   * The embedder: SmallRye retries with backoff, an adaptive limiter per instance over the budget
   * shared by every instance (metered when the provider's limits are configured; otherwise it
   * shares only the request cap learned from the provider, so every instance cuts the same way).
   */
  public EmbedderService embedder(EmbeddingProvider provider) {
    return new EmbedderService(
        settings, jobs, blobs, cache, batchEmbedder(provider), clock, sleeper, metrics);
  }

  /** The provider behind SmallRye retries and the (shared, adaptive) rate limiter. */
  public ProviderCaller batchEmbedder(EmbeddingProvider provider) {
    RateBudget budget =
        settings.requestsPerMinute() > 0 || settings.tokensPerMinute() > 0
            ? new DynamoRateBudget(
                dynamo,
                settings.rateTable(),
                provider.model(),
                RateBudget.spendable(settings.requestsPerMinute()),
                RateBudget.spendable(settings.tokensPerMinute()),
                clock)
            : DynamoRateBudget.capOnly(dynamo, settings.rateTable(), provider.model(), clock);
    return ProviderCaller.builder(provider)
        .maxRetries(settings.maxRetries())
        .retryDelay(settings.retryDelay())
        .maxRetryDelay(settings.maxRetryDelay())
        .budget(budget)
        .maxConcurrency(settings.concurrency())
        .clock(clock)
        .sleeper(sleeper)
        .build();
  }

  /**
   * Ends the jobs of fan-outs that failed on every attempt.
   *
   * @param model the configured model, or null for the provider's default
   */
  public FanOutFailureService fanOutFailures(String provider, String model) {
    return new FanOutFailureService(
        jobs, provider, model != null ? model : provider + " default", clock);
  }

  /** Accounting without a provider: what the dead-letter consumer needs. */
  public BatchAccounting accounting() {
    return new BatchAccounting(jobs, clock, metrics);
  }

  /** The operator's metrics: EMF lines inside Lambda, nothing elsewhere. */
  public PipelineMetrics metrics() {
    return metrics;
  }

  public JobStatusService status() {
    return new JobStatusService(jobs, clock, new DynamoEconomyStore(dynamo, settings.jobsTable()));
  }

  @Override
  public void close() {
    s3.close();
    sqs.close();
    dynamo.close();
  }
}
