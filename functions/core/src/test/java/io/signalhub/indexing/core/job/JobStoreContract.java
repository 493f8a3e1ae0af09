package io.signalhub.indexing.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.signalhub.indexing.core.job.JobStore.ThroughputSample;
import io.signalhub.indexing.core.source.SkipReason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link JobStore} does, whatever holds the jobs: the in-memory store in unit tests and
 * DynamoDB in production run these same tests ({@code InMemoryJobStoreTest}, {@code
 * DynamoJobStoreIT}), so a fan-out or an embedder tested on one behaves the same on the other.
 */
public abstract class JobStoreContract {

  /** Not on a whole second, so a store that drops or pads fractions is caught. */
  protected static final Instant T0 = Instant.parse("2026-01-01T00:00:00.250Z");

  protected JobStore store;

  /** A store with no jobs in it. */
  protected abstract JobStore newStore();

  @BeforeEach
  void emptyStore() {
    store = newStore();
  }

  private static Instant at(long seconds) {
    return T0.plusSeconds(seconds);
  }

  private JobRecord create(String jobId, Instant now) {
    return store.createIfAbsent(
        JobRecord.pending(jobId, "manifests/" + jobId + ".json", "fake", "fake-model", 8, now));
  }

  private JobRecord create(String jobId) {
    return create(jobId, T0);
  }

  private JobRecord job(String jobId) {
    return store.get(jobId).orElseThrow();
  }

  /**
   * {@code before} as it must be once ended: its status, reason and times changed, nothing else.
   */
  private static JobRecord ended(JobRecord before, JobStatus status, String reason, Instant at) {
    return before.toBuilder().status(status).reason(reason).updatedAt(at).finishedAt(at).build();
  }

  /**
   * Job "job", created, with its first group (file 0: {@code batches} batches of {@code chunksEach}
   * chunks from seq 0) registered at 1 s.
   */
  private void createWithFirstGroup(int batches, int chunksEach) {
    create("job");
    store.registerGroup(
        "job", group(Cursor.START, file(1), batches(0, batches, chunksEach), 0), at(1));
  }

  private static List<RegisteredBatch> batches(long firstSeq, int count, int chunksEach) {
    return LongStream.range(firstSeq, firstSeq + count)
        .mapToObj(seq -> new RegisteredBatch(seq, chunksEach))
        .toList();
  }

  private static GroupRegistration group(
      Cursor from, Cursor to, List<RegisteredBatch> batches, long cached, Failure... failures) {
    return new GroupRegistration(
        from, to, batches, cached, to.file() - from.file(), Map.of(), List.of(failures));
  }

  private static Cursor file(long index) {
    return new Cursor(index, 0);
  }

  private static BatchResult completed(long chunks) {
    return new BatchResult(chunks, 0, 0, 1, 10 * chunks, 0, 0, List.of());
  }

  // --- create, get, list

  @Test
  void aCreatedJobReadsBackExactlyAsWritten() {
    JobRecord job =
        JobRecord.pending(
            "job", "manifests/job.json", "openai", "text-embedding-3-small", 1536, T0);

    assertThat(store.createIfAbsent(job)).isEqualTo(job);
    assertThat(store.get("job")).contains(job);
  }

  @Test
  void creatingAJobTwiceKeepsTheFirst() {
    JobRecord first = create("job", T0);

    JobRecord again =
        store.createIfAbsent(JobRecord.pending("job", "other.json", "x", "y", 3, at(60)));

    assertThat(again).isEqualTo(first);
    assertThat(store.get("job")).contains(first);
  }

  @Test
  void anUnknownJobIsEmpty() {
    assertThat(store.get("nope")).isEmpty();
  }

  @Test
  void jobsAreListedNewestFirstPageByPage() {
    // half a second apart from a whole second: newest first must hold within a second too
    Instant second = Instant.parse("2026-01-01T00:00:00Z");
    for (int i = 0; i < 5; i++) {
      create("job-" + i, second.plus(Duration.ofMillis(500L * i)));
    }
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JobPage page = store.list(2, cursor);
      assertThat(page.jobs()).hasSizeLessThanOrEqualTo(2);
      page.jobs().forEach(j -> seen.add(j.jobId()));
      cursor = page.nextCursor();
      pages++;
    } while (cursor != null && pages < 10);

    assertThat(seen).containsExactly("job-4", "job-3", "job-2", "job-1", "job-0");
    assertThat(store.list(10, null).nextCursor()).isNull();
  }

  @Test
  void aMalformedPageCursorIsRefused() {
    create("job");
    assertThatThrownBy(() -> store.list(2, "not a cursor"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // --- the fan-out lease

  @Test
  void theFanoutLeaseIsExclusiveUntilItExpires() {
    create("job");

    assertThat(store.acquireFanoutLease("job", "a", at(0), at(60))).isTrue();
    assertThat(job("job").status()).isEqualTo(JobStatus.FANNING_OUT);
    assertThat(job("job").state().updatedAt()).isEqualTo(at(0));
    assertThat(store.acquireFanoutLease("job", "b", at(59), at(120))).isFalse();
    assertThat(store.acquireFanoutLease("job", "a", at(59), at(120))).as("the holder").isTrue();
    // expired at exactly its end
    assertThat(store.acquireFanoutLease("job", "b", at(120), at(180))).isTrue();
    assertThat(store.acquireFanoutLease("job", "a", at(121), at(180))).isFalse();
  }

  @Test
  void aReleasedLeaseCanBeTakenAtOnceButOnlyItsOwnerReleasesIt() {
    create("job");
    store.acquireFanoutLease("job", "a", at(0), at(60));

    store.releaseFanoutLease("job", "b");
    assertThat(store.acquireFanoutLease("job", "b", at(1), at(60))).isFalse();

    store.releaseFanoutLease("job", "a");
    assertThat(store.acquireFanoutLease("job", "b", at(1), at(60))).isTrue();
  }

  @Test
  void noLeaseOnceTheFanoutIsCompleteOrTheJobEnded() {
    create("done");
    store.acquireFanoutLease("done", "a", at(0), at(60));
    store.completeFanout("done", at(1));
    store.releaseFanoutLease("done", "a");
    create("failed");
    store.fail("failed", "broken manifest", at(1));

    assertThat(store.acquireFanoutLease("done", "b", at(2), at(60))).isFalse();
    assertThat(store.acquireFanoutLease("failed", "b", at(2), at(60))).isFalse();
    assertThat(store.acquireFanoutLease("unknown", "b", at(2), at(60))).isFalse();
    assertThat(store.get("unknown")).isEmpty();
  }

  // --- describe and register

  @Test
  void describingAJobStoresWhatTheManifestHolds() {
    JobRecord created = create("job");

    JobDescription description = new JobDescription("acme/repo", "abc123", 42, 300, 5, 64, 3);

    store.describe("job", description, at(1));

    JobRecord described = job("job");
    assertThat(described.spec())
        .isEqualTo(
            new JobSpec(
                "acme/repo",
                "abc123",
                created.spec().manifestKey(),
                created.spec().provider(),
                created.spec().model(),
                created.spec().dimensions(),
                300,
                5,
                64,
                3));
    assertThat(described.counters().files()).isEqualTo(42);
    assertThat(described) // and nothing else but the time of the change
        .isEqualTo(created.toBuilder().described(description).updatedAt(at(1)).build());
  }

  @Test
  void aGroupAddsItsCountsRegistersItsBatchesAndMovesTheCursor() {
    JobRecord created = create("job");
    GroupRegistration group =
        new GroupRegistration(
            Cursor.START,
            new Cursor(3, 2),
            List.of(new RegisteredBatch(0, 3), new RegisteredBatch(1, 2)),
            4,
            3,
            Map.of(SkipReason.BINARY, 1L),
            List.of(new Failure("bad.py", "not in the bucket")));

    assertThat(store.registerGroup("job", group, at(1))).isTrue();

    assertThat(job("job"))
        .isEqualTo(
            created.toBuilder()
                .filesRead(3)
                .skippedFiles(Map.of(SkipReason.BINARY, 1L))
                .total(9)
                .completed(4)
                .cached(4)
                .pending(5)
                .batchesRegistered(2)
                .updatedAt(at(1))
                .cursor(new Cursor(3, 2))
                .nextSeq(2)
                .lastGroupFirstSeq(0)
                .build());
    assertThat(store.batchState("job", 0)).isEqualTo(BatchState.PENDING);
    assertThat(store.batchChunkCount("job", 0)).isEqualTo(3);
    assertThat(store.batchChunkCount("job", 1)).isEqualTo(2);
    assertThat(store.pendingBatches("job")).containsExactly(0L, 1L);
    assertThat(store.failureSample("job", 10))
        .containsExactly(new Failure("bad.py", "not in the bucket"));
  }

  @Test
  void skippedFilesAddUpAcrossGroups() {
    create("job");
    store.registerGroup(
        "job",
        new GroupRegistration(
            Cursor.START,
            file(2),
            List.of(),
            0,
            2,
            Map.of(SkipReason.BINARY, 1L, SkipReason.TOO_LARGE, 1L),
            List.of()),
        at(1));
    store.registerGroup(
        "job",
        new GroupRegistration(
            file(2), file(3), List.of(), 0, 1, Map.of(SkipReason.BINARY, 1L), List.of()),
        at(2));

    assertThat(job("job").counters().skippedFiles())
        .isEqualTo(Map.of(SkipReason.BINARY, 2L, SkipReason.TOO_LARGE, 1L));
    assertThat(job("job").counters().filesRead()).isEqualTo(3);
  }

  @Test
  void aGroupFromACursorThatMovedIsRefusedAndChangesNothing() {
    createWithFirstGroup(1, 5);
    JobRecord before = job("job");

    boolean again =
        store.registerGroup(
            "job",
            group(Cursor.START, file(2), batches(1, 1, 5), 3, new Failure("x.py", "late")),
            at(2));

    assertThat(again).isFalse();
    assertThat(job("job")).isEqualTo(before);
    assertThat(store.batchState("job", 1)).isEqualTo(BatchState.MISSING);
    assertThat(store.failureSample("job", 10)).isEmpty();
  }

  @Test
  void anEndedOrUnknownJobRegistersNothing() {
    create("job");
    store.fail("job", "cancelled", at(1));
    JobRecord failed = job("job");

    assertThat(store.registerGroup("job", group(Cursor.START, file(1), batches(0, 1, 5), 0), at(2)))
        .isFalse();
    assertThat(
            store.registerGroup("nope", group(Cursor.START, file(1), batches(0, 1, 5), 0), at(2)))
        .isFalse();

    assertThat(job("job")).isEqualTo(failed);
    assertThat(store.batchState("job", 0)).isEqualTo(BatchState.MISSING);
    assertThat(store.get("nope")).isEmpty();
  }

  // --- cancel and delete

  @Test
  void aCancelEndsARunningJobOnceAndNothingIsRegisteredOrFinishedAfterIt() {
    createWithFirstGroup(2, 5);

    assertThat(store.cancel("job", "cancelled by the user", at(2))).isTrue();
    assertThat(store.cancel("job", "again", at(3))).isFalse();
    assertThat(store.cancel("nope", "no such job", at(3))).isFalse();

    JobRecord cancelled = job("job");
    assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(cancelled.state().reason()).isEqualTo("cancelled by the user");
    assertThat(cancelled.state().finishedAt()).isEqualTo(at(2));
    assertThat(store.registerGroup("job", group(file(1), file(2), batches(2, 1, 5), 0), at(4)))
        .isFalse();
    store.completeFanout("job", at(5));
    store.fail("job", "late failure", at(5));
    assertThat(store.tryFinish("job", at(6))).isEmpty();
    assertThat(job("job").status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(store.get("nope")).isEmpty();
  }

  @Test
  void anEndedJobCannotBeCancelled() {
    create("job");
    store.fail("job", "invalid manifest", at(1));

    assertThat(store.cancel("job", "too late", at(2))).isFalse();
    assertThat(job("job").status()).isEqualTo(JobStatus.FAILED);
    assertThat(job("job").state().reason()).isEqualTo("invalid manifest");
  }

  @Test
  void deletingAJobRemovesItAndEverythingKeptForItOnly() {
    create("job");
    create("other");
    store.registerGroup(
        "job",
        group(Cursor.START, file(1), batches(0, 3, 5), 0, new Failure("a.py", "unreadable")),
        at(1));
    store.recordBatch("job", 0, completed(5), at(2));
    store.registerGroup("other", group(Cursor.START, file(1), batches(0, 1, 5), 0), at(1));

    assertThat(store.delete("job")).isTrue();

    assertThat(store.get("job")).isEmpty();
    assertThat(store.batchState("job", 1)).isEqualTo(BatchState.MISSING);
    assertThat(store.pendingBatches("job")).isEmpty();
    assertThat(store.failureSample("job", 10)).isEmpty();
    assertThat(store.throughputSince("job", T0)).isEmpty();
    assertThat(store.list(10, null).jobs()).extracting(JobRecord::jobId).containsExactly("other");
    assertThat(store.pendingBatches("other")).containsExactly(0L);
    assertThat(store.delete("job")).isFalse();
  }

  // --- what a resumed fan-out resends

  @Test
  void aRegisteredGroupIsResentFromItsFirstBatchUntilConfirmedSent() {
    createWithFirstGroup(2, 5);
    store.confirmSent("job", 2);
    store.registerGroup("job", group(file(1), file(2), batches(2, 3, 5), 0), at(2));

    assertThat(job("job").fanOut().lastGroupFirstSeq()).isEqualTo(2);
    assertThat(job("job").fanOut().nextSeq()).isEqualTo(5);

    store.confirmSent("job", 5);

    assertThat(job("job").fanOut().lastGroupFirstSeq()).isEqualTo(5);
    assertThat(store.pendingBatches("job")).containsExactly(0L, 1L, 2L, 3L, 4L);
  }

  @Test
  void aLateConfirmationNeverBringsBackBatchesToResend() {
    createWithFirstGroup(4, 5);
    store.confirmSent("job", 4);

    store.confirmSent("job", 2);

    assertThat(job("job").fanOut().lastGroupFirstSeq()).isEqualTo(4);
  }

  @Test
  void aGroupWithoutBatchesLeavesNothingToResend() {
    createWithFirstGroup(2, 5);

    // registering the next group means the previous one was sent; this one has only cached chunks
    store.registerGroup("job", group(file(1), file(2), List.of(), 7), at(2));

    assertThat(job("job").fanOut().nextSeq()).isEqualTo(2);
    assertThat(job("job").fanOut().lastGroupFirstSeq()).isEqualTo(2);
    assertThat(job("job").fanOut().cursor()).isEqualTo(file(2));
  }

  // --- accounting

  @Test
  void aBatchIsAccountedExactlyOnce() {
    createWithFirstGroup(1, 3);
    JobRecord registered = job("job");
    BatchResult result =
        new BatchResult(2, 1, 1, 2, 120, 0, 0, List.of(new Failure("a.py:1-9", "rejected")));

    assertThat(store.recordBatch("job", 0, result, at(2))).isTrue();
    assertThat(store.recordBatch("job", 0, result, at(3))).as("a redelivery").isFalse();

    assertThat(job("job"))
        .isEqualTo(
            registered.toBuilder()
                .completed(2)
                .failed(1)
                .cached(1)
                .pending(0)
                .batchesProcessed(1)
                .apiCalls(2)
                .tokens(120)
                .updatedAt(at(2))
                .build());
    assertThat(store.batchState("job", 0)).isEqualTo(BatchState.DONE);
    assertThat(store.pendingBatches("job")).isEmpty();
    assertThat(store.failureSample("job", 10)).containsExactly(new Failure("a.py:1-9", "rejected"));
  }

  @Test
  void aBatchNobodyRegisteredIsNeverAccounted() {
    create("job");
    JobRecord before = job("job");

    assertThat(store.recordBatch("job", 7, completed(3), at(1))).isFalse();

    assertThat(job("job")).isEqualTo(before);
    assertThat(store.batchState("job", 7)).isEqualTo(BatchState.MISSING);
    assertThat(store.batchChunkCount("job", 7)).isEqualTo(-1);
  }

  @Test
  void pendingBatchesAreListedInNumericOrder() {
    createWithFirstGroup(5, 2);
    store.registerGroup("job", group(file(1), file(2), batches(5, 7, 2), 0), at(2));
    store.recordBatch("job", 3, completed(2), at(3));
    store.recordBatch("job", 10, completed(2), at(3));

    assertThat(store.pendingBatches("job"))
        .containsExactly(0L, 1L, 2L, 4L, 5L, 6L, 7L, 8L, 9L, 11L);
  }

  // --- the end of a job

  @Test
  void aJobFinishesOnceWhenTheFanoutIsCompleteAndNothingIsPending() {
    create("job");
    store.acquireFanoutLease("job", "a", at(0), at(60));
    store.registerGroup("job", group(Cursor.START, file(1), batches(0, 1, 2), 0), at(1));
    assertThat(store.tryFinish("job", at(2))).as("fan-out still running").isEmpty();

    store.completeFanout("job", at(2));
    assertThat(job("job").status()).isEqualTo(JobStatus.EMBEDDING);
    assertThat(job("job").fanOut().complete()).isTrue();
    assertThat(store.tryFinish("job", at(3))).as("a batch is pending").isEmpty();

    store.recordBatch("job", 0, completed(2), at(4));

    assertThat(store.tryFinish("job", at(5))).contains(JobStatus.COMPLETED);
    assertThat(store.tryFinish("job", at(6))).as("only one caller sees it").isEmpty();
    assertThat(job("job").status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(job("job").state().finishedAt()).isEqualTo(at(5));
    assertThat(job("job").state().updatedAt()).isEqualTo(at(5));
  }

  @Test
  void aJobWithFailedChunksFinishesWithFailures() {
    create("job");
    store.acquireFanoutLease("job", "a", at(0), at(60));
    store.registerGroup("job", group(Cursor.START, file(1), batches(0, 1, 2), 0), at(1));
    store.completeFanout("job", at(2));
    store.recordBatch("job", 0, BatchResult.allFailed(2, "poison", List.of()), at(3));

    assertThat(store.tryFinish("job", at(4))).contains(JobStatus.COMPLETED_WITH_FAILURES);
    assertThat(job("job").counters().failed()).isEqualTo(2);
  }

  @Test
  void completingTheFanoutOfAnEndedJobKeepsItsOutcome() {
    create("job");
    store.acquireFanoutLease("job", "a", at(0), at(60));
    store.fail("job", "provider unreachable", at(1));

    store.completeFanout("job", at(2));

    assertThat(job("job").status()).isEqualTo(JobStatus.FAILED);
    assertThat(job("job").fanOut().complete()).isTrue();
    assertThat(store.tryFinish("job", at(3))).isEmpty();
  }

  @Test
  void failingEndsAJobOnceWithItsReason() {
    JobRecord created = create("job");

    store.fail("job", "the manifest is not JSON", at(1));
    store.fail("job", "a second reason", at(2));

    assertThat(job("job"))
        .isEqualTo(ended(created, JobStatus.FAILED, "the manifest is not JSON", at(1)));
  }

  @Test
  void failingAnUnknownJobChangesNothing() {
    store.fail("nope", "whatever", at(1));
    assertThat(store.get("nope")).isEmpty();
  }

  // --- cancel and delete

  @Test
  void cancellingStopsAJobOnceWithItsReason() {
    JobRecord created = create("job");
    store.acquireFanoutLease("job", "a", at(0), at(60));
    store.registerGroup("job", group(Cursor.START, file(1), batches(0, 1, 2), 0), at(1));
    JobRecord registered = job("job");

    assertThat(store.cancel("job", "cancelled by the user", at(2))).isTrue();
    assertThat(store.cancel("job", "again", at(3))).isFalse();

    assertThat(job("job"))
        .isEqualTo(ended(registered, JobStatus.CANCELLED, "cancelled by the user", at(2)));
    assertThat(created.status()).isEqualTo(JobStatus.PENDING);
    assertThat(store.registerGroup("job", group(file(1), file(2), batches(1, 1, 2), 0), at(4)))
        .isFalse();
    store.completeFanout("job", at(5));
    assertThat(store.tryFinish("job", at(5))).isEmpty();
    store.fail("job", "late failure", at(6));
    assertThat(job("job").status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(job("job").state().reason()).isEqualTo("cancelled by the user");
  }

  @Test
  void anEndedOrUnknownJobCannotBeCancelled() {
    create("job");
    store.fail("job", "broken", at(1));

    assertThat(store.cancel("job", "too late", at(2))).isFalse();
    assertThat(store.cancel("nope", "never was", at(2))).isFalse();

    assertThat(job("job").status()).isEqualTo(JobStatus.FAILED);
    assertThat(store.get("nope")).isEmpty();
  }

  @Test
  void deletingAJobLeavesNothingOfItAndNothingOfOthersGoes() {
    create("job");
    create("other");
    for (String id : List.of("job", "other")) {
      store.registerGroup(
          id, group(Cursor.START, file(1), batches(0, 2, 2), 0, new Failure("x", "y")), at(1));
      store.recordBatch(id, 0, completed(2), at(2));
    }
    JobRecord other = job("other");

    assertThat(store.delete("job")).isTrue();
    assertThat(store.delete("job")).isFalse();

    assertThat(store.get("job")).isEmpty();
    assertThat(store.list(10, null).jobs()).extracting(JobRecord::jobId).containsExactly("other");
    assertThat(store.batchState("job", 0)).isEqualTo(BatchState.MISSING);
    assertThat(store.batchChunkCount("job", 1)).isEqualTo(-1);
    assertThat(store.pendingBatches("job")).isEmpty();
    assertThat(store.failureSample("job", 10)).isEmpty();
    assertThat(store.throughputSince("job", T0)).isEmpty();
    assertThat(store.history("job", 10)).isEmpty();

    assertThat(store.get("other")).contains(other);
    assertThat(store.pendingBatches("other")).containsExactly(1L);
    assertThat(store.failureSample("other", 10)).hasSize(1);
    assertThat(store.history("other", 10)).hasSize(1);
  }

  @Test
  void aDeletedJobsIdStartsAfresh() {
    createWithFirstGroup(1, 2);
    store.delete("job");

    JobRecord again = create("job", at(10));

    assertThat(again.state().createdAt()).isEqualTo(at(10));
    assertThat(store.get("job")).contains(again);
    assertThat(
            store.registerGroup("job", group(Cursor.START, file(1), batches(0, 1, 2), 0), at(11)))
        .isTrue();
  }

  // --- throughput, history and failures, for the status API

  @Test
  void historyCountsEachMinutesBatchesOldestFirst() {
    Instant minute = Instant.parse("2026-01-01T00:10:00Z");
    create("job", minute);
    store.registerGroup("job", group(Cursor.START, file(1), batches(0, 4, 10), 0), minute);
    store.recordBatch("job", 0, new BatchResult(10, 0, 0, 2, 100, 1, 1, List.of()), minute);
    store.recordBatch(
        "job", 1, new BatchResult(8, 2, 0, 1, 80, 0, 0, List.of()), minute.plusSeconds(59));
    store.recordBatch(
        "job", 2, new BatchResult(10, 0, 3, 1, 70, 0, 0, List.of()), minute.plusSeconds(60));
    store.recordBatch(
        "job", 3, new BatchResult(10, 0, 0, 1, 100, 0, 0, List.of()), minute.plusSeconds(300));
    store.recordBatch(
        "job", 3, new BatchResult(10, 0, 0, 1, 100, 0, 0, List.of()), minute.plusSeconds(301));

    assertThat(store.history("job", 10))
        .containsExactly(
            new ActivityMinute(minute, 18, 2, 180, 3, 1, 1),
            new ActivityMinute(minute.plusSeconds(60), 10, 0, 70, 1, 0, 0),
            new ActivityMinute(minute.plusSeconds(300), 10, 0, 100, 1, 0, 0));
    assertThat(store.history("job", 2))
        .extracting(ActivityMinute::minute)
        .containsExactly(minute.plusSeconds(60), minute.plusSeconds(300));
    assertThat(store.history("nope", 10)).isEmpty();
  }

  @Test
  void theMinuteHistoryCountsEachBatchOnceInItsMinuteNewestLast() {
    create("job");
    store.registerGroup("job", group(file(0), file(3), batches(0, 3, 5), 0), T0);
    BatchResult throttled = new BatchResult(4, 1, 1, 3, 40, 2, 2, List.of());
    assertThat(store.recordBatch("job", 0, throttled, at(5))).isTrue();
    assertThat(store.recordBatch("job", 0, throttled, at(6))).isFalse(); // redelivered
    assertThat(store.recordBatch("job", 1, completed(5), at(30))).isTrue();
    assertThat(store.recordBatch("job", 2, completed(5), at(185))).isTrue();

    List<ActivityMinute> history = store.history("job", JobStore.HISTORY_MINUTES);

    Instant minute0 = ActivityMinute.minuteOf(T0);
    assertThat(history)
        .containsExactly(
            new ActivityMinute(minute0, 9, 1, 90, 4, 2, 2),
            new ActivityMinute(minute0.plusSeconds(180), 5, 0, 50, 1, 0, 0));
    assertThat(store.history("job", 1)).containsExactly(history.get(1));
    assertThat(store.history("other", 10)).isEmpty();
  }

  @Test
  void accountedBatchesCountTheirFinishedChunksOnceInTenSecondBucketsFromTheBucketHoldingSince() {
    Instant bucket = Instant.parse("2026-01-01T00:01:00Z");
    create("job");
    create("other");
    store.registerGroup(
        "job",
        group(
            Cursor.START,
            file(4),
            List.of(
                new RegisteredBatch(0, 5),
                new RegisteredBatch(1, 2),
                new RegisteredBatch(2, 4),
                new RegisteredBatch(3, 1)),
            0),
        bucket);
    store.registerGroup("other", group(Cursor.START, file(1), batches(0, 1, 100), 0), bucket);
    store.recordBatch("job", 0, completed(5), bucket.plusSeconds(3));
    store.recordBatch("job", 0, completed(5), bucket.plusSeconds(4)); // already accounted
    store.recordBatch(
        "job", 1, new BatchResult(1, 1, 0, 1, 10, 0, 0, List.of()), bucket.plusMillis(9_999));
    store.recordBatch("job", 2, completed(4), bucket.plusSeconds(15));
    store.recordBatch("job", 3, completed(1), bucket.plusSeconds(31));
    store.recordBatch("other", 0, completed(100), bucket.plusSeconds(12));

    assertThat(store.throughputSince("job", bucket.plusSeconds(5)))
        .containsExactly(
            new ThroughputSample(bucket, 7),
            new ThroughputSample(bucket.plusSeconds(10), 4),
            new ThroughputSample(bucket.plusSeconds(30), 1));
    assertThat(store.throughputSince("job", bucket.plusSeconds(10)))
        .containsExactly(
            new ThroughputSample(bucket.plusSeconds(10), 4),
            new ThroughputSample(bucket.plusSeconds(30), 1));
    assertThat(store.throughputSince("job", bucket.plusSeconds(40))).isEmpty();
  }

  @Test
  void failuresAreSampledOldestFirstWhateverRecordedThem() {
    create("job");
    store.registerGroup(
        "job", group(Cursor.START, file(2), batches(0, 1, 1), 0, new Failure("a", "1")), at(1));
    store.registerGroup(
        "job", group(file(2), file(10), batches(1, 10, 1), 0, new Failure("b", "2")), at(2));
    store.recordBatch("job", 10, failed(new Failure("c", "3")), at(3));
    store.recordBatch("job", 2, failed(new Failure("d", "4")), at(4));
    store.registerGroup(
        "job", group(file(10), file(11), List.of(), 0, new Failure("e", "5")), at(5));

    assertThat(store.failureSample("job", 10))
        .extracting(Failure::location)
        .containsExactly("a", "b", "c", "d", "e");
    assertThat(store.failureSample("job", 3))
        .extracting(Failure::location)
        .containsExactly("a", "b", "c");
  }

  @Test
  void failuresAreOrderedByTheTimeTheyWereRecordedWithNotByArrival() {
    createWithFirstGroup(2, 1);
    // two embedders: the one that finished later reaches the store first
    store.recordBatch("job", 1, failed(new Failure("late", "r")), at(9));
    store.recordBatch("job", 0, failed(new Failure("early", "r")), at(8));

    assertThat(store.failureSample("job", 10))
        .extracting(Failure::location)
        .containsExactly("early", "late");
  }

  @Test
  void eachBatchOrGroupKeepsAtMostTheFirstFewFailures() {
    create("job");
    Failure[] many =
        IntStream.range(0, 30).mapToObj(i -> new Failure("f" + i, "r")).toArray(Failure[]::new);
    store.registerGroup("job", group(Cursor.START, file(1), batches(0, 1, 30), 0, many), at(1));
    store.recordBatch("job", 0, failed(many), at(2));

    List<Failure> sample = store.failureSample("job", 100);

    int kept = JobStore.FAILURES_KEPT_PER_WRITE;
    assertThat(sample).hasSize(2 * kept);
    assertThat(sample.subList(0, kept))
        .containsExactly(List.of(many).subList(0, kept).toArray(Failure[]::new));
    assertThat(sample.get(kept)).isEqualTo(many[0]);
  }

  private static BatchResult failed(Failure... failures) {
    return new BatchResult(0, failures.length, 0, 1, 0, 0, 0, List.of(failures));
  }
}
