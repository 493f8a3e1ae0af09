package io.signalhub.indexing.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalhub.indexing.core.MutableClock;
import io.signalhub.indexing.core.job.ActivityMinute;
import io.signalhub.indexing.core.job.BatchResult;
import io.signalhub.indexing.core.job.Cursor;
import io.signalhub.indexing.core.job.GroupRegistration;
import io.signalhub.indexing.core.job.InMemoryJobStore;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStore;
import io.signalhub.indexing.core.job.RegisteredBatch;
import io.signalhub.indexing.core.provider.EmbeddingException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class JobStatusServiceTest {

  private final PipelineFixture fixture = new PipelineFixture();

  @Test
  void reportsCountersRateAndEtaFromRecentThroughput() {
    fixture.fanOut("job", PipelineFixture.sources(6, 10));
    List<BatchMessage> messages = fixture.queue.drain();
    EmbedderService embedder = fixture.embedder();
    for (int i = 0; i < messages.size() / 2; i++) {
      embedder.process(messages.get(i), 1);
      fixture.clock.advance(Duration.ofSeconds(5));
    }
    JobStatusService status = new JobStatusService(fixture.jobs, fixture.clock);

    JobView view = status.job("job").orElseThrow();

    assertThat(view.status()).isEqualTo("EMBEDDING");
    assertThat(view.totalFinal()).isTrue();
    assertThat(view.etaProvisional()).isFalse();
    assertThat(view.completed() + view.pending()).isEqualTo(view.total());
    assertThat(view.chunksPerSecond()).isPositive();
    assertThat(view.etaSeconds()).isPositive();
    assertThat(view.percent()).isBetween(1.0, 99.0);
    assertThat(view.estimatedCostUsd()).isNull(); // the fake model has no published price
    assertThat(view.apiCallsSaved()).isEqualTo(view.completed() - view.apiCalls());
  }

  @Test
  void failedChunksAreNotCountedAsSavedCalls() {
    fixture.fanOut("job", PipelineFixture.sources(2, 10));
    BatchAccounting accounting = new BatchAccounting(fixture.jobs, fixture.clock);
    for (BatchMessage message : fixture.queue.drain()) {
      accounting.failDeadLettered(message, 5);
    }

    JobView view = new JobStatusService(fixture.jobs, fixture.clock).job("job").orElseThrow();

    assertThat(view.failed()).isEqualTo(view.total()).isPositive();
    assertThat(view.apiCallsSaved()).isZero();
  }

  @Test
  void theEtaIsThePendingChunksAtTheLastMinutesRate() {
    InMemoryJobStore jobs = new InMemoryJobStore();
    MutableClock clock = new MutableClock();
    Instant start = clock.instant();
    jobs.createIfAbsent(JobRecord.pending("job", "manifests/job.json", "fake", "fake", 8, start));
    jobs.acquireFanoutLease("job", "fan-out", start, start.plusSeconds(60));
    List<RegisteredBatch> batches =
        LongStream.range(0, 10).mapToObj(seq -> new RegisteredBatch(seq, 100)).toList();
    jobs.registerGroup(
        "job",
        new GroupRegistration(Cursor.START, new Cursor(1, 0), batches, 0, 1, Map.of(), List.of()),
        start);
    jobs.completeFanout("job", start);
    // 100 chunks finished at 5 s, 20 s, 45 s and 61 s
    long[] finishedAt = {5, 20, 45, 61};
    for (int seq = 0; seq < finishedAt.length; seq++) {
      Instant at = start.plusSeconds(finishedAt[seq]);
      jobs.recordBatch("job", seq, new BatchResult(100, 0, 0, 1, 1_000, 0, 0, List.of()), at);
    }
    clock.advance(Duration.ofSeconds(80));

    JobView view = new JobStatusService(jobs, clock).job("job").orElseThrow();

    // the last minute (from 20 s) holds the buckets starting at 20, 40 and 60 s: 300 chunks in the
    // 60 s since the first of them began; 600 pending at 5 chunks/s
    assertThat(view.chunksPerSecond()).isEqualTo(5.0);
    assertThat(view.etaSeconds()).isEqualTo(120L);
    assertThat(view.etaProvisional()).isFalse();
    assertThat(view.percent()).isEqualTo(40.0);
    assertThat(view.elapsedSeconds()).isEqualTo(80.0);
  }

  @Test
  void theRateFollowsTheLastMinuteNotTheJobsAverage() {
    fixture.fanOut("job", PipelineFixture.sources(6, 10));
    List<BatchMessage> messages = fixture.queue.drain();
    EmbedderService embedder = fixture.embedder();
    embedder.process(messages.get(0), 1);
    fixture.clock.advance(Duration.ofMinutes(10));
    JobStatusService status = new JobStatusService(fixture.jobs, fixture.clock);
    assertThat(status.job("job").orElseThrow().chunksPerSecond()).isZero();
    assertThat(status.job("job").orElseThrow().etaSeconds()).isNull();
  }

  @Test
  void listsJobsNewestFirstInPages() {
    for (int i = 0; i < 5; i++) {
      fixture.fanOut("job-" + i, PipelineFixture.sources(1, 2));
      fixture.clock.advance(Duration.ofSeconds(1));
    }
    JobStatusService status = new JobStatusService(fixture.jobs, fixture.clock);
    JobStatusService.Page first = status.list(2, null);
    assertThat(first.jobs()).extracting(JobView::jobId).containsExactly("job-4", "job-3");
    JobStatusService.Page second = status.list(2, first.nextCursor());
    assertThat(second.jobs()).extracting(JobView::jobId).containsExactly("job-2", "job-1");
    assertThat(status.list(2, second.nextCursor()).nextCursor()).isNull();
  }

  @Test
  void historyCountsEachMinuteOnceWithThrottlesAndRetriesAndFillsQuietMinutes() {
    fixture.fanOut("job", PipelineFixture.sources(6, 10));
    List<BatchMessage> messages = fixture.queue.drain();
    assertThat(messages).hasSizeGreaterThanOrEqualTo(3);
    EmbedderService embedder = fixture.embedder();
    fixture.provider.failNext(
        new EmbeddingException(
            EmbeddingException.Kind.RETRYABLE, 429, "slow down", Duration.ZERO, null, null));
    embedder.process(messages.get(0), 1);
    embedder.process(messages.get(0), 2); // a redelivery counts nothing, in the history too
    fixture.clock.advance(Duration.ofMinutes(3));
    for (BatchMessage message : messages.subList(1, messages.size())) {
      embedder.process(message, 1);
    }
    JobStatusService status = new JobStatusService(fixture.jobs, fixture.clock);

    JobView view = status.job("job").orElseThrow();

    assertThat(view.status()).isEqualTo("COMPLETED");
    assertThat(view.history()).hasSize(4); // the first minute, two quiet ones, the last
    assertThat(view.history().get(1).completed()).isZero();
    assertThat(view.history().get(2).chunksPerSecond()).isZero();
    assertThat(view.history().stream().mapToLong(m -> m.completed() + m.failed()).sum())
        .isEqualTo(view.completed() + view.failed() - view.cached());
    assertThat(view.history().stream().mapToLong(JobView.Minute::requests).sum())
        .isEqualTo(view.apiCalls());
    assertThat(view.history().stream().mapToLong(JobView.Minute::tokens).sum())
        .isEqualTo(view.tokens());
    JobView.Minute first = view.history().get(0);
    assertThat(first.throttled()).isEqualTo(1);
    assertThat(first.retries()).isEqualTo(1);
    // the job ran through the whole first minute; the last one only up to the job's end
    assertThat(first.seconds()).isEqualTo(60);
    assertThat(first.chunksPerSecond()).isEqualTo(Math.round(10.0 * first.completed() / 60) / 10.0);
    assertThat(view.history().get(3).seconds()).isEqualTo(1); // finished at the minute's start
    assertThat(status.list(10, null).jobs().get(0).history()).isNull(); // lists stay small
  }

  @Test
  void historyIsBoundedToTheNewestMinutes() {
    InMemoryJobStore store = new InMemoryJobStore();
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    store.createIfAbsent(JobRecord.pending("long", "manifests/long.json", "fake", "m", 8, start));
    BatchResult oneChunk = new BatchResult(1, 0, 0, 1, 10, 0, 0, List.of());
    for (int minute = 0; minute < JobStore.HISTORY_MINUTES + 20; minute++) {
      store.registerGroup(
          "long",
          new GroupRegistration(
              new Cursor(minute, 0),
              new Cursor(minute + 1, 0),
              List.of(new RegisteredBatch(minute, 1)),
              0,
              1,
              Map.of(),
              List.of()),
          start);
      store.recordBatch("long", minute, oneChunk, start.plus(Duration.ofMinutes(minute)));
    }

    List<ActivityMinute> history = store.history("long", JobStore.HISTORY_MINUTES);

    assertThat(history).hasSize(JobStore.HISTORY_MINUTES);
    assertThat(history.get(history.size() - 1).minute())
        .isEqualTo(start.plus(Duration.ofMinutes(JobStore.HISTORY_MINUTES + 19)));
    assertThat(store.history("long", 5)).hasSize(5);
  }

  @Test
  void anUnknownJobIsEmpty() {
    assertThat(new JobStatusService(fixture.jobs, fixture.clock).job("nope")).isEmpty();
  }
}
