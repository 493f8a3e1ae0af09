package io.signalhub.indexing.aws.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.signalhub.indexing.aws.AwsEndpoints;
import io.signalhub.indexing.aws.dynamodb.DynamoRateBudget;
import io.signalhub.indexing.aws.lambda.FanOutFailureLogic;
import io.signalhub.indexing.aws.lambda.PartialBatchProcessor;
import io.signalhub.indexing.aws.local.SqsEventSource;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStatus;
import io.signalhub.indexing.core.job.JobStore;
import io.signalhub.indexing.core.metrics.PipelineMetrics;
import io.signalhub.indexing.core.pipeline.CrashingJobStore;
import io.signalhub.indexing.core.pipeline.EmbedderService;
import io.signalhub.indexing.core.pipeline.FanOutService;
import io.signalhub.indexing.core.pipeline.JobLifecycle;
import io.signalhub.indexing.core.pipeline.Keys;
import io.signalhub.indexing.core.pipeline.PipelineFixture;
import io.signalhub.indexing.core.provider.EmbeddingException;
import io.signalhub.indexing.core.provider.ModelProfile;
import io.signalhub.indexing.core.provider.OpenAiCompatibleProvider;
import io.signalhub.indexing.core.retry.Sleeper;
import io.signalhub.indexing.simulator.DenseCode;
import io.signalhub.indexing.simulator.ScaledClock;
import io.signalhub.indexing.simulator.SimulatedEmbeddingServer;
import io.signalhub.indexing.simulator.SimulatorSettings;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One test per invariant of docs/ARCHITECTURE (../shared/ARCHITECTURE.md), on real AWS-protocol
 * services. Subclasses say which services: embedded ones here, LocalStack where Docker runs.
 */
abstract class PipelineContract {

  private final List<PipelineHarness> harnesses = new ArrayList<>();

  abstract AwsEndpoints endpoints();

  abstract BlockingQueue<String> s3Events();

  PipelineHarness harness(Map<String, String> overrides) {
    return track(new PipelineHarness(endpoints(), s3Events(), overrides));
  }

  /** Closed after the test; its bucket announces manifests as the stack's does. */
  private PipelineHarness track(PipelineHarness harness) {
    harnesses.add(harness);
    notifyOnManifests(harness);
    return harness;
  }

  /** Configures the harness bucket's notification, as the stack does for its own bucket. */
  abstract void notifyOnManifests(PipelineHarness harness);

  @AfterEach
  void closeHarnesses() {
    harnesses.forEach(PipelineHarness::close);
  }

  /**
   * Invariant 9 for a fan-out that crashes on every attempt: the continuation queue moves it to the
   * fan-out failure queue after its receives, Lambda's on-failure destination sends the
   * S3-triggered one there, and the consumer ends both jobs FAILED with the reason.
   */
  @Test
  void aFanOutThatAlwaysCrashesEndsItsJobFailed() {
    PipelineHarness h = harness(Map.of());
    String continued = h.upload("job-crashing-continuation", PipelineFixture.sources(2, 4));
    String triggered = h.upload("job-crashing-fanout", PipelineFixture.sources(2, 4));
    JobStore jobs = h.pipeline.jobs();
    Instant now = Instant.now();
    jobs.createIfAbsent(
        JobRecord.pending("job-crashing-continuation", continued, "fake", "fake-model", 8, now));
    jobs.acquireFanoutLease("job-crashing-continuation", "crashed", now, now.plusSeconds(1));
    var sqs = h.pipeline.sqs();
    String continuations = h.pipeline.queueUrl(h.settings.continuationQueue());
    String failuresUrl = h.pipeline.queueUrl(h.settings.fanOutFailureQueue());
    sqs.sendMessage(r -> r.queueUrl(continuations).messageBody(continued));
    String s3Event =
        "{\"Records\":[{\"s3\":{\"bucket\":{\"name\":\""
            + h.settings.bucket()
            + "\"},\"object\":{\"key\":\""
            + triggered
            + "\"}}}]}";
    sqs.sendMessage(
        r ->
            r.queueUrl(failuresUrl)
                .messageBody(
                    FanOutFailureLogic.destinationRecord(
                        s3Event,
                        "arn:aws:lambda:us-east-1:000000000000:function:fanout:live",
                        3,
                        new IllegalStateException("out of memory"),
                        now)));
    AtomicInteger crashes = new AtomicInteger();
    SqsEventSource crashingContinuation =
        new SqsEventSource(
            sqs,
            continuations,
            1,
            1,
            event -> {
              crashes.incrementAndGet();
              throw new IllegalStateException("the fan-out crashed");
            });
    var failures = h.pipeline.fanOutFailures("fake", "fake-model");
    SqsEventSource failureConsumer =
        new SqsEventSource(
            sqs, failuresUrl, 10, 1, event -> FanOutFailureLogic.process(event, failures));

    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              crashingContinuation.pollOnce(Duration.ZERO);
              failureConsumer.pollOnce(Duration.ZERO);
              return h.job("job-crashing-continuation").status().terminal()
                  && jobs.get("job-crashing-fanout").map(j -> j.status().terminal()).orElse(false);
            });

    JobRecord viaQueue = h.job("job-crashing-continuation");
    assertThat(viaQueue.status()).isEqualTo(JobStatus.FAILED);
    assertThat(viaQueue.state().reason()).contains("continuation failed on every receive");
    assertThat(crashes.get()).isEqualTo(h.settings.fanOutAttempts());
    JobRecord viaDestination = h.job("job-crashing-fanout");
    assertThat(viaDestination.status()).isEqualTo(JobStatus.FAILED);
    assertThat(viaDestination.state().reason())
        .isEqualTo(
            "fan-out failed: RetriesExhausted after 3 attempts: java.lang.IllegalStateException:"
                + " out of memory");
  }

  @Test
  void aCancelledJobsBatchesAreDroppedAndADeletedJobLeavesNothingBehind() throws Exception {
    PipelineHarness h = harness(Map.of());
    h.upload("job-cancelled", PipelineFixture.sources(4, 12));
    h.deliverS3Events();
    JobLifecycle lifecycle =
        new JobLifecycle(h.pipeline.jobs(), h.pipeline.blobs(), Clock.systemUTC());

    assertThat(lifecycle.cancel("job-cancelled", "cancelled by the user").orElseThrow().status())
        .isEqualTo(JobStatus.CANCELLED);
    SqsEventSource source = h.batchSource(h.embedder());
    long batches = h.job("job-cancelled").counters().batchesRegistered();
    for (int received = 0; received < batches; ) {
      received += source.pollOnce(Duration.ofSeconds(1));
    }
    assertThat(h.provider.calls()).isZero();
    assertThat(h.messagesIn(h.batchQueueUrl)).isZero();
    assertThat(h.job("job-cancelled").state().reason()).isEqualTo("cancelled by the user");
    assertThat(h.pipeline.jobs().cancel("job-cancelled", "twice", Instant.now())).isFalse();

    assertThat(lifecycle.delete("job-cancelled")).isPresent();

    assertThat(h.pipeline.jobs().get("job-cancelled")).isEmpty();
    assertThat(h.pipeline.jobs().pendingBatches("job-cancelled")).isEmpty();
    assertThat(h.pipeline.blobs().list(Keys.BATCHES + "job-cancelled/")).isEmpty();
    assertThat(h.pipeline.blobs().size(Keys.manifest("job-cancelled"))).isEmpty();
  }

  @Test
  void aManifestUploadedWithTheSdkRunsToCompletion() throws Exception {
    PipelineHarness h = harness(Map.of());
    h.upload("job-e2e", PipelineFixture.sources(6, 12));

    assertThat(h.deliverS3Events())
        .startsWith(FanOutService.Outcome.COMPLETED)
        .isSubsetOf(FanOutService.Outcome.COMPLETED, FanOutService.Outcome.SKIPPED);
    JobRecord job = h.runUntilFinished("job-e2e", h.embedder());

    assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(job.counters().completed() + job.counters().failed())
        .isEqualTo(job.counters().total())
        .isPositive();
    assertThat(job.counters().pending()).isZero();
    assertThat(h.vectorLines("job-e2e")).isEqualTo(job.counters().total());
  }

  @Test
  void theSameS3EventTwiceMakesOneJobAndOneSetOfMessages() throws Exception {
    PipelineHarness h = harness(Map.of());
    String key = h.upload("job-dup", PipelineFixture.sources(4, 12));
    h.deliverS3Events();

    assertThat(h.fanOut().fanOut(key, Instant.MAX)).isEqualTo(FanOutService.Outcome.SKIPPED);

    JobRecord job = h.job("job-dup");
    assertThat(h.messagesIn(h.batchQueueUrl)).isEqualTo(job.counters().batchesRegistered());
    assertThat(h.pipeline.jobs().list(10, null).jobs()).hasSize(1);
  }

  @Test
  void aDuplicateSqsDeliveryIsCountedOnce() throws Exception {
    PipelineHarness h = harness(Map.of());
    h.upload("job-redelivered", PipelineFixture.sources(3, 12));
    h.deliverS3Events();
    EmbedderService embedder = h.embedder();
    // first delivery: processed and counted, but the response claims failure, as when Lambda
    // times out after the work: SQS redelivers every message after the visibility timeout
    SqsEventSource processedButNotDeleted =
        h.batchSource(
            event -> {
              PartialBatchProcessor.process(event, embedder::process);
              return PipelineHarness.allFailed(event);
            });
    long batches = h.job("job-redelivered").counters().batchesRegistered();
    int received = 0;
    while (received < batches) {
      received += processedButNotDeleted.pollOnce(Duration.ofSeconds(1));
    }
    JobRecord afterFirst = h.job("job-redelivered");
    assertThat(afterFirst.status()).isEqualTo(JobStatus.COMPLETED);

    // the redeliveries arrive after the visibility timeout, are recognised and deleted
    SqsEventSource normal = h.batchSource(embedder);
    pollUntil(normal, () -> h.messagesIn(h.batchQueueUrl) == 0);
    JobRecord job = h.job("job-redelivered");

    assertThat(job.counters().completed())
        .isEqualTo(afterFirst.counters().completed())
        .isEqualTo(job.counters().total());
    assertThat(job.counters().batchesProcessed()).isEqualTo(batches);
    assertThat(h.messagesIn(h.batchQueueUrl)).isZero();
  }

  @Test
  void aCrashAfterWritingVectorsAndBeforeCountingIsCountedOnce() throws Exception {
    PipelineHarness h = harness(Map.of());
    h.upload("job-crash", PipelineFixture.sources(3, 12));
    h.deliverS3Events();
    JobStore real = h.pipeline.jobs();
    AtomicBoolean crashed = new AtomicBoolean();
    JobStore crashingOnce =
        CrashingJobStore.onFirstRecordBatch(real, "Lambda crashed after writing vectors", crashed);
    EmbedderService embedder =
        new EmbedderService(
            h.settings,
            crashingOnce,
            h.pipeline.blobs(),
            h.pipeline.cache(),
            h.pipeline.batchEmbedder(h.provider),
            Clock.systemUTC(),
            Sleeper.system(),
            PipelineMetrics.NONE);

    JobRecord job = h.runUntilFinished("job-crash", embedder);

    assertThat(crashed).isTrue();
    assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(job.counters().completed()).isEqualTo(job.counters().total());
  }

  @Test
  void aTextRepeatedAcrossBatchesThatRunAtOnceIsEmbeddedOnce() throws Exception {
    PipelineHarness h = harness(Map.of("signal-hub.embedding.batch-size", "3"));
    String module = PipelineFixture.sources(1, 6).values().iterator().next();
    Map<String, String> copies = new java.util.LinkedHashMap<>();
    for (int copy = 0; copy < 8; copy++) {
      copies.put("copy" + copy + "/util.py", module);
    }
    h.recordsAtOnce = 4;
    h.upload("job-twins", copies);
    h.deliverS3Events();
    // a provider that takes a while, so twins run while their text is being embedded
    h.provider.rejecting(
        text -> {
          LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
          return false;
        });

    JobRecord job = h.runUntilFinished("job-twins", h.embedder());

    assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(job.counters().completed()).isEqualTo(job.counters().total()).isPositive();
    assertThat(job.counters().total() % copies.size()).isZero();
    assertThat(h.provider.sentTexts())
        .doesNotHaveDuplicates()
        .hasSize((int) (job.counters().total() / copies.size()));
  }

  @Test
  void oneRejectedInputFailsOnlyItsChunk() throws Exception {
    PipelineHarness h = harness(Map.of());
    h.provider.rejecting(text -> text.contains("f1_5("));
    h.upload("job-bad-input", PipelineFixture.sources(3, 12));
    h.deliverS3Events();

    JobRecord job = h.runUntilFinished("job-bad-input", h.embedder());

    assertThat(job.status()).isEqualTo(JobStatus.COMPLETED_WITH_FAILURES);
    assertThat(job.counters().failed()).isEqualTo(1);
    assertThat(job.counters().completed()).isEqualTo(job.counters().total() - 1);
    assertThat(h.pipeline.jobs().failureSample("job-bad-input", 5))
        .singleElement()
        .satisfies(f -> assertThat(f.location()).startsWith("pkg/module1.py:"));
  }

  @Test
  void aPoisonBatchGoesToTheDeadLetterQueueAndIsCountedFailed() throws Exception {
    PipelineHarness h = harness(Map.of());
    h.upload("job-poison", PipelineFixture.sources(1, 3));
    h.deliverS3Events();
    JobRecord registered = h.job("job-poison");
    assertThat(registered.counters().batchesRegistered()).isEqualTo(1);
    // every receive crashes the handler (a poison batch that kills the function)
    AtomicInteger receives = new AtomicInteger();
    SqsEventSource crashing =
        h.batchSource(
            event -> {
              receives.incrementAndGet();
              throw new IllegalStateException("out of memory");
            });
    pollUntil(crashing, () -> h.messagesIn(h.deadLetterQueueUrl) == 1);
    assertThat(receives).hasValue(h.settings.maxReceiveCount());

    JobRecord job = h.runUntilFinished("job-poison", h.embedder());

    assertThat(job.status()).isEqualTo(JobStatus.COMPLETED_WITH_FAILURES);
    assertThat(job.counters().failed()).isEqualTo(job.counters().total()).isPositive();
    assertThat(h.pipeline.jobs().failureSample("job-poison", 1).get(0).reason())
        .contains("dead-letter queue");
  }

  @Test
  void aBatchThatKeepsFailingIsCountedFailedOnItsLastReceive() throws Exception {
    PipelineHarness h = harness(Map.of());
    h.upload("job-overloaded", PipelineFixture.sources(1, 3));
    h.deliverS3Events();
    for (int i = 0; i < 100; i++) {
      h.provider.failNext(
          new EmbeddingException(
              EmbeddingException.Kind.RETRYABLE, 503, "model overloaded", null, null, null));
    }

    JobRecord job = h.runUntilFinished("job-overloaded", h.embedder());

    assertThat(job.status()).isEqualTo(JobStatus.COMPLETED_WITH_FAILURES);
    assertThat(job.counters().failed()).isEqualTo(job.counters().total());
    assertThat(h.pipeline.jobs().failureSample("job-overloaded", 1).get(0).reason())
        .contains("gave up after 3 receives");
    assertThat(h.messagesIn(h.deadLetterQueueUrl)).isZero();
  }

  @Test
  void anInvalidManifestFailsItsJobWithAReasonAndEnqueuesNothing() throws Exception {
    PipelineHarness h = harness(Map.of());
    String sha = "c".repeat(64);
    h.put("sources/acme/ok.py", "x = 1\n".getBytes(StandardCharsets.UTF_8));
    h.put(
        Keys.manifest("job-invalid"),
        ("{\"version\":1,\"repository\":\"r\",\"sources\":{\"prefix\":\"sources/acme/\"},\"files\":["
                + "{\"path\":\"ok.py\",\"sha256\":\""
                + sha
                + "\",\"size\":6},"
                + "{\"path\":\"../../etc/passwd\",\"sha256\":\""
                + sha
                + "\",\"size\":1}]}")
            .getBytes(StandardCharsets.UTF_8));

    // S3 may deliver an event more than once; every delivery after the first changes nothing
    assertThat(h.deliverS3Events())
        .startsWith(FanOutService.Outcome.FAILED)
        .isSubsetOf(FanOutService.Outcome.FAILED, FanOutService.Outcome.SKIPPED);

    JobRecord job = h.job("job-invalid");
    assertThat(job.status()).isEqualTo(JobStatus.FAILED);
    assertThat(job.state().reason()).contains("'..'").contains("files[1]");
    assertThat(h.messagesIn(h.batchQueueUrl)).isZero();
    assertThat(h.pipeline.blobs().list(Keys.BATCHES)).isEmpty();
  }

  @Test
  void aLearnedRequestCapIsSharedByEveryEmbedder() {
    PipelineHarness h = harness(Map.of());
    DynamoRateBudget first =
        DynamoRateBudget.capOnly(
            h.pipeline.dynamo(), h.settings.rateTable(), "cap", Clock.systemUTC());
    DynamoRateBudget second =
        new DynamoRateBudget(
            h.pipeline.dynamo(), h.settings.rateTable(), "cap", 100, 1_000_000, Clock.systemUTC());
    assertThat(second.requestTokenCap()).isEqualTo(1_000_000);

    first.capRequestTokens(39_200);

    DynamoRateBudget third =
        new DynamoRateBudget(
            h.pipeline.dynamo(), h.settings.rateTable(), "cap", 100, 1_000_000, Clock.systemUTC());
    assertThat(third.requestTokenCap()).isEqualTo(39_200);
    assertThat(third.tryTake(10)).isZero(); // metering keeps the cap in the item
    first.capRequestTokens(50_000); // a cap only goes down
    assertThat(
            new DynamoRateBudget(
                    h.pipeline.dynamo(),
                    h.settings.rateTable(),
                    "cap",
                    100,
                    1_000_000,
                    Clock.systemUTC())
                .requestTokenCap())
        .isEqualTo(39_200);
  }

  @Test
  void aQuotaSmallerThanABatchCompletesWithRequestTooLarge() throws Exception {
    quotaSmallerThanABatch(SimulatorSettings.TooLarge.OPENAI_429);
  }

  @Test
  void aQuotaSmallerThanABatchCompletesWithABare413() throws Exception {
    quotaSmallerThanABatch(SimulatorSettings.TooLarge.BARE_413);
  }

  /**
   * 40,000 tokens/min, no limits configured, default batches of 100 chunks of about 480 tokens
   * (about 48,000 tokens): the fan-out registers batches no request may carry; the embedders cut
   * them under the cap they learn and share, and account each batch once. Time runs 15 times faster
   * on both sides.
   */
  private void quotaSmallerThanABatch(SimulatorSettings.TooLarge shape) throws Exception {
    double scale = 15;
    long quota = 40_000;
    ScaledClock clock = new ScaledClock(scale);
    try (var server =
        SimulatedEmbeddingServer.start(
            SimulatorSettings.builder()
                .tokensPerMinute(quota)
                .timeScale(scale)
                .tooLarge(shape)
                .dimensions(8)
                .build())) {
      PipelineHarness h =
          track(
              new PipelineHarness(
                  endpoints(),
                  s3Events(),
                  Map.of("signal-hub.concurrency", "4"),
                  clock,
                  clock::sleep));
      var provider =
          OpenAiCompatibleProvider.builder()
              .baseUrl(server.baseUrl())
              .dimensions(8)
              .timeout(Duration.ofSeconds(30))
              .build();
      h.model = ModelProfile.of("openai", provider);
      String jobId = "job-quota-" + shape.name().toLowerCase(java.util.Locale.ROOT);
      h.upload(jobId, denseSources(40));
      // the manifest's event may trail the upload on a busy machine: wait for the fan-out to run
      List<FanOutService.Outcome> fannedOut = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                fannedOut.addAll(h.deliverS3Events());
                return fannedOut.contains(FanOutService.Outcome.COMPLETED);
              });
      long startedMillis = clock.millis();

      // two embedders, as two Lambda instances would be, sharing the DynamoDB budget
      EmbedderService one = h.pipeline.embedder(provider);
      EmbedderService two = h.pipeline.embedder(provider);
      Thread other = new Thread(() -> h.runUntilFinished(jobId, two, Duration.ofSeconds(90)));
      other.start();
      JobRecord job = h.runUntilFinished(jobId, one, Duration.ofSeconds(90));
      other.join();

      assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
      assertThat(job.counters().failed()).isZero();
      assertThat(job.counters().completed()).isEqualTo(job.counters().total()).isGreaterThan(150);
      assertThat(job.counters().batchesProcessed()).isEqualTo(job.counters().batchesRegistered());
      long teaching =
          shape == SimulatorSettings.TooLarge.OPENAI_429 ? server.stats().tooLarge() : 0;
      assertThat(server.stats().tooLarge()).isBetween(1L, 2L); // one per embedder at most
      // 5% of requests; with the handful a test makes, at most one per embedder while the two
      // learn the limits nobody configured (scripts/bench measures the ratio over many requests)
      assertThat(server.stats().throttled() - teaching)
          .isLessThanOrEqualTo(Math.max(2, server.stats().requests() / 20));
      double idealMinutes = (double) server.stats().tokens() / quota;
      double minutes = (clock.millis() - startedMillis) / 60_000.0;
      assertThat(minutes).isLessThanOrEqualTo(1.5 * idealMinutes);
    }
  }

  /** Files of dense code lines: the chunker cuts them near its 512-token ceiling. */
  private static Map<String, String> denseSources(int files) {
    Map<String, String> sources = new java.util.LinkedHashMap<>();
    List<String> texts = DenseCode.texts(files, 2400, 7);
    for (int f = 0; f < files; f++) {
      sources.put("src/dense_" + f + ".py", texts.get(f));
    }
    return sources;
  }

  /** Polls {@code source} a second at a time until {@code done}, for 30 seconds at the most. */
  private static void pollUntil(SqsEventSource source, BooleanSupplier done) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              source.pollOnce(Duration.ofSeconds(1));
              return done.getAsBoolean();
            });
  }
}
