package io.signalhub.indexing.aws.it;

import static org.awaitility.Awaitility.await;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalhub.indexing.aws.AwsEndpoints;
import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.aws.AwsResources;
import io.signalhub.indexing.aws.lambda.ManifestUploads;
import io.signalhub.indexing.aws.lambda.PartialBatchProcessor;
import io.signalhub.indexing.aws.local.SqsEventSource;
import io.signalhub.indexing.core.FakeEmbeddingProvider;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.pipeline.EmbedderService;
import io.signalhub.indexing.core.pipeline.FanOutService;
import io.signalhub.indexing.core.pipeline.Keys;
import io.signalhub.indexing.core.pipeline.PipelineFixture;
import io.signalhub.indexing.core.pipeline.PipelineSettings;
import io.signalhub.indexing.core.provider.ModelProfile;
import io.signalhub.indexing.core.retry.Sleeper;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The pipeline on real AWS-protocol services with fresh, uniquely named resources: uploads with the
 * S3 SDK as any client would, delivers S3 events to the fan-out, and plays the SQS event sources
 * for the embedder and the DLQ.
 */
final class PipelineHarness implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  final PipelineSettings settings;
  final AwsPipeline pipeline;
  final FakeEmbeddingProvider provider = new FakeEmbeddingProvider();
  final BlockingQueue<String> s3Events;
  final String batchQueueUrl;
  final String deadLetterQueueUrl;

  /** Records of one SQS event processed at once, as the embedder handler does with concurrency. */
  int recordsAtOnce = 1;

  /** The model the fan-out chunks and packs for; the fake provider's unless a test says. */
  ModelProfile model = ModelProfile.of("fake", provider);

  PipelineHarness(
      AwsEndpoints endpoints, BlockingQueue<String> s3Events, Map<String, String> overrides) {
    this(endpoints, s3Events, overrides, Clock.systemUTC(), Sleeper.system());
  }

  /** With a clock and sleeper for the embedders (a faster one, against a time-scaled simulator). */
  PipelineHarness(
      AwsEndpoints endpoints,
      BlockingQueue<String> s3Events,
      Map<String, String> overrides,
      Clock clock,
      Sleeper sleeper) {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> values = new HashMap<>();
    values.put("signal-hub.bucket", "it-" + suffix);
    values.put("signal-hub.jobs-table", "jobs-" + suffix);
    values.put("signal-hub.cache-table", "cache-" + suffix);
    values.put("signal-hub.rate-table", "rate-" + suffix);
    values.put("signal-hub.batch-queue", "batches-" + suffix);
    values.put("signal-hub.dead-letter-queue", "dlq-" + suffix);
    values.put("signal-hub.continuation-queue", "continue-" + suffix);
    values.put("signal-hub.fanout-failure-queue", "fanout-failed-" + suffix);
    values.put("signal-hub.max-receive-count", "3");
    values.put("signal-hub.retry.max-retries", "1");
    values.put("signal-hub.retry.initial-delay-ms", "1");
    values.put("signal-hub.retry.max-delay-ms", "2");
    values.putAll(overrides);
    this.settings = PipelineSettings.from(key -> Optional.ofNullable(values.get(key)));
    this.pipeline = new AwsPipeline(settings, endpoints, clock, sleeper);
    this.s3Events = s3Events;
    AwsResources.createAll(pipeline, Duration.ofSeconds(1));
    this.batchQueueUrl = pipeline.queueUrl(settings.batchQueue());
    this.deadLetterQueueUrl = pipeline.queueUrl(settings.deadLetterQueue());
  }

  /** Economy mode's service when a test sets it: the fan-out sends through it, pollers use it. */
  io.signalhub.indexing.core.economy.EconomyService economy;

  FanOutService fanOut() {
    return economy != null ? pipeline.fanOut(model, economy) : pipeline.fanOut(model);
  }

  EmbedderService embedder() {
    return pipeline.embedder(provider);
  }

  /** Uploads sources and manifest through the S3 API; returns the manifest key. */
  String upload(String jobId, Map<String, String> files) {
    return PipelineFixture.upload(this::put, jobId, files);
  }

  void put(String key, byte[] bytes) {
    pipeline
        .s3()
        .putObject(r -> r.bucket(settings.bucket()).key(key), RequestBody.fromBytes(bytes));
  }

  /** Hands every pending ObjectCreated event for this bucket under manifests/ to the fan-out. */
  List<FanOutService.Outcome> deliverS3Events() throws InterruptedException {
    List<FanOutService.Outcome> outcomes = new java.util.ArrayList<>();
    String event;
    while ((event = s3Events.poll(200, TimeUnit.MILLISECONDS)) != null) {
      if (!event.contains("\"" + settings.bucket() + "\"")) {
        continue;
      }
      List<String> keys =
          ManifestUploads.keysFromJson(event).stream()
              .filter(k -> k.startsWith(Keys.MANIFESTS))
              .toList();
      outcomes.addAll(ManifestUploads.fanOut(keys, fanOut(), Instant.MAX, key -> {}));
    }
    return outcomes;
  }

  SqsEventSource batchSource(EmbedderService embedder) {
    return new SqsEventSource(
        pipeline.sqs(),
        batchQueueUrl,
        10,
        2,
        event ->
            economy == null
                ? PartialBatchProcessor.process(event, recordsAtOnce, embedder::process)
                : PartialBatchProcessor.process(
                    event,
                    recordsAtOnce,
                    embedder::process,
                    io.signalhub.indexing.aws.lambda.EconomyPolls.poller(economy)));
  }

  /** The batch queue, ten messages to an event and one event at a time, to {@code handler}. */
  SqsEventSource batchSource(Function<SQSEvent, SQSBatchResponse> handler) {
    return new SqsEventSource(pipeline.sqs(), batchQueueUrl, 10, 1, handler);
  }

  /**
   * The answer of a Lambda that did the work but timed out before it returned: every message of the
   * event failed, so SQS delivers each again after its visibility timeout.
   */
  static SQSBatchResponse allFailed(SQSEvent event) {
    return new SQSBatchResponse(
        event.getRecords().stream()
            .map(r -> new SQSBatchResponse.BatchItemFailure(r.getMessageId()))
            .toList());
  }

  SqsEventSource deadLetterSource() {
    return new SqsEventSource(
        pipeline.sqs(),
        deadLetterQueueUrl,
        10,
        1,
        event ->
            economy == null
                ? PartialBatchProcessor.process(event, pipeline.accounting()::failDeadLettered)
                : PartialBatchProcessor.process(
                    event,
                    1,
                    pipeline.accounting()::failDeadLettered,
                    io.signalhub.indexing.aws.lambda.EconomyPolls.deadLettered(economy)));
  }

  /** Polls the batch queue (and the DLQ) until the job is terminal. */
  JobRecord runUntilFinished(String jobId, EmbedderService embedder) {
    return runUntilFinished(jobId, embedder, Duration.ofSeconds(60));
  }

  JobRecord runUntilFinished(String jobId, EmbedderService embedder, Duration atMost) {
    SqsEventSource batches = batchSource(embedder);
    SqsEventSource deadLetters = deadLetterSource();
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              batches.pollOnce(Duration.ZERO);
              deadLetters.pollOnce(Duration.ZERO);
              return job(jobId).status().terminal();
            });
    return job(jobId);
  }

  JobRecord job(String jobId) {
    return pipeline.jobs().get(jobId).orElseThrow();
  }

  /** How many vector records the job wrote, over all its vector files. */
  long vectorLines(String jobId) {
    return pipeline.blobs().list(Keys.vectorsPrefix(jobId)).stream()
        .mapToLong(
            key -> new String(pipeline.blobs().read(key), StandardCharsets.UTF_8).lines().count())
        .sum();
  }

  long messagesIn(String queueUrl) {
    var attributes =
        pipeline
            .sqs()
            .getQueueAttributes(
                r ->
                    r.queueUrl(queueUrl)
                        .attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
            .attributes();
    return Long.parseLong(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
        + Long.parseLong(
            attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
  }

  @Override
  public void close() {
    pipeline.close();
  }
}
