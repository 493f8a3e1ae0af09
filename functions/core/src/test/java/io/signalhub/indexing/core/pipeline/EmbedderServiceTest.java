package io.signalhub.indexing.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.signalhub.indexing.core.job.BatchResult;
import io.signalhub.indexing.core.job.JobDescription;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStatus;
import io.signalhub.indexing.core.job.JobStore;
import io.signalhub.indexing.core.metrics.PipelineMetrics;
import io.signalhub.indexing.core.provider.EmbeddingException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class EmbedderServiceTest {

  private final PipelineFixture fixture = new PipelineFixture();

  private List<BatchMessage> fanOut(int files, int functions) {
    fixture
        .fanOut()
        .fanOut(fixture.upload("job", PipelineFixture.sources(files, functions)), Instant.MAX);
    return fixture.queue.drain();
  }

  private JobRecord job() {
    return fixture.jobs.get("job").orElseThrow();
  }

  @Test
  @Timeout(30) // a guard against a hang, not a measure
  void aJobsConcurrencySettingBoundsItsBatchesInFlight() throws Exception {
    TwoBatches run = twoBatchesForOneSlot(() -> {});

    assertThat(run.reachedTheProvider()).isEqualTo(2);
    assertThat(job().counters().batchesProcessed()).isEqualTo(2);
  }

  @Test
  @Timeout(30) // a guard against a hang, not a measure
  void aBatchWaitingForItsJobsSlotIsDroppedIfTheJobIsCancelledMeanwhile() throws Exception {
    TwoBatches run =
        twoBatchesForOneSlot(() -> fixture.jobs.cancel("job", "cancelled (Ctrl-C)", Instant.EPOCH));

    assertThat(run.outcomes()).contains(EmbedderService.Outcome.DISCARDED);
    assertThat(run.reachedTheProvider()).isEqualTo(1);
  }

  /** What two batches of a job limited to one at a time did, and how many reached the provider. */
  private record TwoBatches(List<EmbedderService.Outcome> outcomes, int reachedTheProvider) {}

  /**
   * Runs two batches of a job whose concurrency is 1: the first is held inside the provider until
   * the second is seen waiting for the job's slot (never both at once), then {@code meanwhile} runs
   * and the first is released.
   */
  private TwoBatches twoBatchesForOneSlot(Runnable meanwhile) throws Exception {
    List<BatchMessage> messages = fanOut(2, 10);
    assertThat(messages).hasSizeGreaterThanOrEqualTo(2);
    JobRecord j = job();
    fixture.jobs.describe(
        "job",
        new JobDescription(
            j.spec().repository(),
            j.spec().revision(),
            j.counters().files(),
            j.spec().chunkTokens(),
            j.spec().overlapLines(),
            j.spec().batchSize(),
            1),
        Instant.EPOCH);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.Set<Thread> inside = java.util.concurrent.ConcurrentHashMap.newKeySet();
    // the provider's input check runs inside each request: it records the batches that reached the
    // provider and holds them until the other batch's thread is seen waiting for the job's slot
    fixture.provider.rejecting(
        text -> {
          if (inside.add(Thread.currentThread())) {
            awaitQuietly(release);
          }
          return false;
        });
    EmbedderService embedder = fixture.embedder();
    List<EmbedderService.Outcome> outcomes =
        java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    Thread first = new Thread(() -> outcomes.add(embedder.process(messages.get(0), 1)));
    Thread second = new Thread(() -> outcomes.add(embedder.process(messages.get(1), 1)));
    first.setDaemon(true);
    second.setDaemon(true);
    first.start();
    second.start();
    try {
      // the threads' own state decides, not a time limit; the test's timeout interrupts a hang
      while (inside.size() < 2
          && !(inside.size() == 1 && (waitsOnASemaphore(first) || waitsOnASemaphore(second)))) {
        if (Thread.interrupted()) {
          throw new InterruptedException("neither batch reached the provider");
        }
        Thread.onSpinWait();
      }
      assertThat(inside).hasSize(1);
      meanwhile.run();
    } finally {
      release.countDown();
    }
    first.join();
    second.join();
    return new TwoBatches(outcomes, inside.size());
  }

  private static boolean waitsOnASemaphore(Thread thread) {
    return thread.getState() == Thread.State.WAITING
        && java.util.Arrays.stream(thread.getStackTrace())
            .anyMatch(frame -> frame.getClassName().startsWith("java.util.concurrent.Semaphore"));
  }

  private static void awaitQuietly(java.util.concurrent.CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void eachBatchIsReportedToMetricsOnceWithItsLatencyAndTheFanOutReportsItsGroups() {
    List<String> reported = new java.util.ArrayList<>();
    fixture.metrics =
        new PipelineMetrics() {
          @Override
          public void batchAccounted(
              String jobId, long seq, BatchResult result, Duration latency, Double cost) {
            reported.add("batch " + seq + " " + result.completed() + " in " + latency.toMillis());
          }

          @Override
          public void groupRegistered(String jobId, int batches, long chunks, long cached) {
            reported.add("group " + batches + " " + chunks);
          }
        };
    List<BatchMessage> messages = fanOut(3, 10);
    long groups = reported.size();
    assertThat(reported).allMatch(line -> line.startsWith("group "));
    fixture.provider.failNext(
        new EmbeddingException(
            EmbeddingException.Kind.RETRYABLE, 503, "busy", Duration.ofSeconds(2), null, null));
    EmbedderService embedder = fixture.embedder();
    for (BatchMessage message : messages) {
      embedder.process(message, 1);
      embedder.process(message, 2); // redelivered: reported once
    }

    assertThat(reported).hasSize((int) groups + messages.size());
    // the first batch waited 2 s (the fake clock) for its retry: its latency says so
    assertThat(reported.get((int) groups)).startsWith("batch 0 ").endsWith(" in 2000");
  }

  @Test
  void aDuplicateDeliveryIsCountedOnce() {
    List<BatchMessage> messages = fanOut(3, 10);
    EmbedderService embedder = fixture.embedder();
    for (BatchMessage message : messages) {
      assertThat(embedder.process(message, 1)).isEqualTo(EmbedderService.Outcome.ACCOUNTED);
    }
    int calls = fixture.provider.calls();
    for (BatchMessage message : messages) {
      assertThat(embedder.process(message, 2)).isEqualTo(EmbedderService.Outcome.ALREADY_ACCOUNTED);
    }

    assertThat(fixture.provider.calls()).isEqualTo(calls);
    assertThat(job().counters().completed()).isEqualTo(job().counters().total());
    assertThat(job().status()).isEqualTo(JobStatus.COMPLETED);
  }

  @Test
  void aCrashAfterWritingVectorsAndBeforeCountingIsCountedOnce() {
    List<BatchMessage> messages = fanOut(2, 10);
    JobStore real = fixture.jobs;
    AtomicBoolean crashed = new AtomicBoolean();
    fixture.jobs = CrashingJobStore.onFirstRecordBatch(real, "Lambda timed out", crashed);
    EmbedderService embedder = fixture.embedder();
    BatchMessage first = messages.get(0);

    assertThatThrownBy(() -> embedder.process(first, 1)).hasMessage("Lambda timed out");
    assertThat(fixture.blobs.size(Keys.vectors("job", first.seq()))).isPresent();
    for (BatchMessage message : messages) {
      embedder.process(message, 2); // the redelivery of the first, then the rest
    }

    fixture.jobs = real;
    assertThat(job().counters().completed()).isEqualTo(job().counters().total());
    assertThat(job().counters().batchesProcessed()).isEqualTo(messages.size());
    assertThat(job().status()).isEqualTo(JobStatus.COMPLETED);
  }

  @Test
  void oneRejectedInputFailsOnlyItsChunk() {
    fixture.provider.rejecting(text -> text.contains("f1_4("));
    List<BatchMessage> messages = fanOut(3, 10);
    messages.forEach(m -> fixture.embedder().process(m, 1));

    assertThat(job().counters().failed()).isEqualTo(1);
    assertThat(job().counters().completed()).isEqualTo(job().counters().total() - 1);
    assertThat(job().status()).isEqualTo(JobStatus.COMPLETED_WITH_FAILURES);
    assertThat(fixture.jobs.failureSample("job", 5))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.location()).startsWith("pkg/module1.py:");
              assertThat(f.reason()).contains("rejected");
            });
  }

  @Test
  void aPoisonBatchIsRetriedThenCountedFailedSoTheJobFinishes() {
    List<BatchMessage> messages = fanOut(1, 4);
    assertThat(messages).hasSize(1);
    BatchMessage poison = messages.get(0);
    for (int i = 0; i < 20; i++) {
      fixture.provider.failNext(
          new EmbeddingException(
              EmbeddingException.Kind.RETRYABLE, 503, "model overloaded", null, null, null));
    }
    EmbedderService embedder = fixture.embedder();

    assertThat(embedder.process(poison, 1)).isEqualTo(EmbedderService.Outcome.RETRY);
    assertThat(embedder.process(poison, 2)).isEqualTo(EmbedderService.Outcome.RETRY);
    assertThat(embedder.process(poison, 3)).isEqualTo(EmbedderService.Outcome.ACCOUNTED);

    assertThat(job().counters().failed())
        .isEqualTo(job().counters().total())
        .isEqualTo(poison.chunks());
    assertThat(job().status()).isEqualTo(JobStatus.COMPLETED_WITH_FAILURES);
    assertThat(fixture.jobs.failureSample("job", 5).get(0).reason())
        .contains("gave up after 3 receives")
        .contains("model overloaded");
  }

  @Test
  void whatReachesTheDeadLetterQueueUnaccountedIsCountedFailed() {
    List<BatchMessage> messages = fanOut(2, 10);
    EmbedderService embedder = fixture.embedder();
    embedder.process(messages.get(0), 1);

    for (BatchMessage message : messages) {
      new BatchAccounting(fixture.jobs, fixture.clock).failDeadLettered(message, 3);
    }

    assertThat(job().counters().completed()).isEqualTo(messages.get(0).chunks());
    assertThat(job().counters().failed())
        .isEqualTo(job().counters().total() - messages.get(0).chunks());
    assertThat(job().status()).isEqualTo(JobStatus.COMPLETED_WITH_FAILURES);
  }

  @Test
  void aFatalProviderErrorCountsTheBatchFailedWithWhatToFix() {
    List<BatchMessage> messages = fanOut(1, 4);
    fixture.provider.failNext(
        EmbeddingException.fatal("Provider rejected the credentials (401). Set OPENAI_API_KEY"));
    assertThat(fixture.embedder().process(messages.get(0), 1))
        .isEqualTo(EmbedderService.Outcome.ACCOUNTED);
    assertThat(fixture.jobs.failureSample("job", 1).get(0).reason()).contains("OPENAI_API_KEY");
  }

  @Test
  void messagesForUnknownJobsAreDiscarded() {
    assertThat(
            fixture.embedder().process(new BatchMessage("ghost", 0, 3, "batches/ghost/0.json"), 1))
        .isEqualTo(EmbedderService.Outcome.DISCARDED);
  }

  @Test
  void resultsAreAccountedExactlyOnceWhenDeliveredConcurrently() throws Exception {
    List<BatchMessage> messages = fanOut(4, 12);
    EmbedderService embedder = fixture.embedder();
    List<Thread> threads = new java.util.ArrayList<>();
    for (int copy = 0; copy < 4; copy++) {
      Thread thread = new Thread(() -> messages.forEach(m -> embedder.process(m, 1)));
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(job().counters().completed()).isEqualTo(job().counters().total());
    assertThat(job().counters().batchesProcessed()).isEqualTo(messages.size());
  }

  @Test
  void batchResultForAllFailedCarriesTheReason() {
    assertThat(BatchResult.allFailed(3, "why", List.of()).failures().get(0).reason())
        .isEqualTo("why");
  }
}
