package io.signalhub.indexing.aws.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import io.signalhub.indexing.aws.AwsEndpoints;
import io.signalhub.indexing.aws.lambda.SqsBatchLogic;
import io.signalhub.indexing.aws.local.SqsEventSource;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStatus;
import io.signalhub.indexing.core.job.JobStore;
import io.signalhub.indexing.core.pipeline.EmbedBatchService;
import io.signalhub.indexing.core.pipeline.FanOutService;
import io.signalhub.indexing.core.pipeline.Keys;
import io.signalhub.indexing.core.pipeline.PipelineFixture;
import io.signalhub.indexing.core.provider.EmbeddingException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
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
    PipelineHarness harness = new PipelineHarness(endpoints(), s3Events(), overrides);
    harnesses.add(harness);
    return harness;
  }

  @AfterEach
  void closeHarnesses() {
    harnesses.forEach(PipelineHarness::close);
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
    assertThat(job.completed() + job.failed()).isEqualTo(job.total()).isPositive();
    assertThat(job.pending()).isZero();
    long vectorLines =
        h.pipeline.blobs().list(Keys.vectorsPrefix("job-e2e")).stream()
            .mapToLong(
                key ->
                    new String(h.pipeline.blobs().read(key), StandardCharsets.UTF_8)
                        .lines()
                        .count())
            .sum();
    assertThat(vectorLines).isEqualTo(job.total());
  }

  @Test
  void theSameS3EventTwiceMakesOneJobAndOneSetOfMessages() throws Exception {
    PipelineHarness h = harness(Map.of());
    String key = h.upload("job-dup", PipelineFixture.sources(4, 12));
    h.deliverS3Events();

    assertThat(h.fanOut().fanOut(key, Instant.MAX)).isEqualTo(FanOutService.Outcome.SKIPPED);

    JobRecord job = h.job("job-dup");
    assertThat(h.messagesIn(h.batchQueueUrl)).isEqualTo(job.batchesRegistered());
    assertThat(h.pipeline.jobs().list(10, null).jobs()).hasSize(1);
  }

  @Test
  void aDuplicateSqsDeliveryIsCountedOnce() throws Exception {
    PipelineHarness h = harness(Map.of());
    h.upload("job-redelivered", PipelineFixture.sources(3, 12));
    h.deliverS3Events();
    EmbedBatchService embedder = h.embedder();
    // first delivery: processed and counted, but the response claims failure, as when Lambda
    // times out after the work: SQS redelivers every message after the visibility timeout
    SqsEventSource processedButNotDeleted =
        new SqsEventSource(
            h.pipeline.sqs(),
            h.batchQueueUrl,
            10,
            1,
            event -> {
              SqsBatchLogic.process(event, embedder::process);
              return new SQSBatchResponse(
                  event.getRecords().stream()
                      .map(r -> new SQSBatchResponse.BatchItemFailure(r.getMessageId()))
                      .toList());
            });
    long batches = h.job("job-redelivered").batchesRegistered();
    int received = 0;
    while (received < batches) {
      received += processedButNotDeleted.pollOnce(Duration.ofSeconds(1));
    }
    JobRecord afterFirst = h.job("job-redelivered");
    assertThat(afterFirst.status()).isEqualTo(JobStatus.COMPLETED);

    // the redeliveries arrive after the visibility timeout, are recognised and deleted
    SqsEventSource normal = h.batchSource(embedder);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              normal.pollOnce(Duration.ofSeconds(1));
              return h.messagesIn(h.batchQueueUrl) == 0;
            });
    JobRecord job = h.job("job-redelivered");

    assertThat(job.completed()).isEqualTo(afterFirst.completed()).isEqualTo(job.total());
    assertThat(job.batchesProcessed()).isEqualTo(batches);
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
        (JobStore)
            Proxy.newProxyInstance(
                JobStore.class.getClassLoader(),
                new Class<?>[] {JobStore.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("recordBatch")
                      && crashed.compareAndSet(false, true)) {
                    throw new IllegalStateException("Lambda crashed after writing vectors");
                  }
                  try {
                    return method.invoke(real, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    EmbedBatchService embedder =
        new EmbedBatchService(
            h.settings,
            crashingOnce,
            h.pipeline.blobs(),
            h.pipeline.cache(),
            h.pipeline.batchEmbedder(h.provider),
            Clock.systemUTC());

    JobRecord job = h.runUntilFinished("job-crash", embedder);

    assertThat(crashed).isTrue();
    assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(job.completed()).isEqualTo(job.total());
  }

  @Test
  void oneRejectedInputFailsOnlyItsChunk() throws Exception {
    PipelineHarness h = harness(Map.of());
    h.provider.rejecting(text -> text.contains("f1_5("));
    h.upload("job-bad-input", PipelineFixture.sources(3, 12));
    h.deliverS3Events();

    JobRecord job = h.runUntilFinished("job-bad-input", h.embedder());

    assertThat(job.status()).isEqualTo(JobStatus.COMPLETED_WITH_FAILURES);
    assertThat(job.failed()).isEqualTo(1);
    assertThat(job.completed()).isEqualTo(job.total() - 1);
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
    assertThat(registered.batchesRegistered()).isEqualTo(1);
    // every receive crashes the handler (a poison batch that kills the function)
    AtomicInteger receives = new AtomicInteger();
    SqsEventSource crashing =
        new SqsEventSource(
            h.pipeline.sqs(),
            h.batchQueueUrl,
            10,
            1,
            event -> {
              receives.incrementAndGet();
              throw new IllegalStateException("out of memory");
            });
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              crashing.pollOnce(Duration.ofSeconds(1));
              return h.messagesIn(h.deadLetterQueueUrl) == 1;
            });
    assertThat(receives).hasValue(h.settings.maxReceiveCount());

    JobRecord job = h.runUntilFinished("job-poison", h.embedder());

    assertThat(job.status()).isEqualTo(JobStatus.COMPLETED_WITH_FAILURES);
    assertThat(job.failed()).isEqualTo(job.total()).isPositive();
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
    assertThat(job.failed()).isEqualTo(job.total());
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
    assertThat(job.reason()).contains("'..'").contains("files[1]");
    assertThat(h.messagesIn(h.batchQueueUrl)).isZero();
    assertThat(h.pipeline.blobs().list(Keys.BATCHES)).isEmpty();
  }
}
