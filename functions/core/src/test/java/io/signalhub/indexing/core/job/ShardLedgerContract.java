package io.signalhub.indexing.core.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link JobStore#shards()} does, in memory ({@code InMemoryShardLedgerTest}) and on
 * DynamoDB ({@code DynamoShardLedgerIT}): per-shard leases and cursors whose groups count into the
 * job exactly, and a fan-out that becomes complete exactly once, when its last shard does.
 */
public abstract class ShardLedgerContract {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00.250Z");

  /** Ten files in three shards: files 0-2, 3-5, 6-9. */
  private static final ShardPlan PLAN = new ShardPlan(10, 3);

  protected JobStore store;
  private ShardLedger shards;

  /** A store with no jobs in it. */
  protected abstract JobStore newStore();

  @BeforeEach
  void emptyStore() {
    store = newStore();
    shards = store.shards();
  }

  private static Instant at(long seconds) {
    return T0.plusSeconds(seconds);
  }

  /** A job as the fan-out leaves it before planning: created, leased, described. */
  private void described(String jobId) {
    store.createIfAbsent(
        JobRecord.pending(jobId, "manifests/" + jobId + ".json", "fake", "fake-model", 8, T0));
    store.acquireFanoutLease(jobId, "first", T0, at(60));
    store.describe(jobId, new JobDescription("acme/shop", "abc", PLAN.files(), 100, 0, 10, 0), T0);
    store.releaseFanoutLease(jobId, "first");
  }

  private void planned(String jobId) {
    described(jobId);
    shards.plan(jobId, PLAN, T0);
  }

  private static GroupRegistration group(Cursor from, Cursor to, long firstSeq, int batches) {
    List<RegisteredBatch> registered =
        LongStream.range(firstSeq, firstSeq + batches)
            .mapToObj(seq -> new RegisteredBatch(seq, 4))
            .toList();
    return new GroupRegistration(
        from, to, registered, 1, to.file() - from.file(), Map.of(), List.of());
  }

  /** The group that registers the whole of a shard in one go. */
  private static GroupRegistration wholeShard(int shard) {
    return group(
        new Cursor(PLAN.firstFile(shard), 0),
        new Cursor(PLAN.endFile(shard), 0),
        PLAN.firstSeq(shard),
        2);
  }

  private JobRecord job(String jobId) {
    return store.get(jobId).orElseThrow();
  }

  @Test
  void aPlanIsRecordedOnceAndTheFirstOneWins() {
    described("job");

    assertThat(shards.plan("job")).isEmpty();
    assertThat(shards.plan("job", PLAN, T0)).contains(PLAN);
    assertThat(shards.plan("job", new ShardPlan(10, 5), at(1))).contains(PLAN);
    assertThat(shards.plan("job")).contains(PLAN);
  }

  @Test
  void aJobWhoseUnshardedFanOutRegisteredAGroupIsNeverSharded() {
    described("job");
    store.registerGroup("job", group(Cursor.START, new Cursor(1, 0), 0, 1), at(1));

    assertThat(shards.plan("job", PLAN, at(2))).isEmpty();
    assertThat(shards.plan("job")).isEmpty();
  }

  @Test
  void aShardsFirstLeasePlacesItAtTheStartOfItsRangeAndItsBatchNumbers() {
    planned("job");

    assertThat(shards.acquireLease("job", PLAN, 2, "a", T0, at(60))).isTrue();

    assertThat(shards.position("job", 2))
        .isEqualTo(new FanOutPosition(false, new Cursor(6, 0), PLAN.firstSeq(2), PLAN.firstSeq(2)));
    assertThat(PLAN.firstSeq(2)).isGreaterThan(PLAN.firstSeq(1)).isGreaterThan(PLAN.firstSeq(0));
  }

  @Test
  void aShardsLeaseIsExclusiveUntilItExpiresAndOtherShardsAreFree() {
    planned("job");
    assertThat(shards.acquireLease("job", PLAN, 0, "a", T0, at(60))).isTrue();

    assertThat(shards.acquireLease("job", PLAN, 0, "b", at(30), at(90))).isFalse();
    assertThat(shards.acquireLease("job", PLAN, 1, "b", at(30), at(90))).isTrue();
    assertThat(shards.acquireLease("job", PLAN, 0, "a", at(30), at(90))).isTrue(); // renewal
    assertThat(shards.acquireLease("job", PLAN, 0, "c", at(91), at(150))).isTrue(); // expired
  }

  @Test
  void aReleasedShardLeaseCanBeTakenAtOnceButOnlyItsOwnerReleasesIt() {
    planned("job");
    shards.acquireLease("job", PLAN, 1, "a", T0, at(60));

    shards.releaseLease("job", 1, "b");
    assertThat(shards.acquireLease("job", PLAN, 1, "b", at(1), at(60))).isFalse();
    shards.releaseLease("job", 1, "a");
    assertThat(shards.acquireLease("job", PLAN, 1, "b", at(1), at(60))).isTrue();
  }

  @Test
  void aShardsGroupCountsIntoTheJobAndMovesOnlyThatShardsCursor() {
    planned("job");
    shards.acquireLease("job", PLAN, 1, "a", T0, at(60));
    shards.acquireLease("job", PLAN, 2, "b", T0, at(60));
    long seq = PLAN.firstSeq(1);

    assertThat(
            shards.registerGroup(
                "job", 1, group(new Cursor(3, 0), new Cursor(4, 0), seq, 2), at(1)))
        .isTrue();

    assertThat(shards.position("job", 1))
        .isEqualTo(new FanOutPosition(false, new Cursor(4, 0), seq + 2, seq));
    assertThat(shards.position("job", 2).cursor()).isEqualTo(new Cursor(6, 0));
    JobRecord job = job("job");
    assertThat(job.counters().total()).isEqualTo(9);
    assertThat(job.counters().pending()).isEqualTo(8);
    assertThat(job.counters().cached()).isEqualTo(1);
    assertThat(job.counters().filesRead()).isEqualTo(1);
    assertThat(job.counters().batchesRegistered()).isEqualTo(2);
    assertThat(job.fanOut().cursor()).isEqualTo(Cursor.START);
    assertThat(store.pendingBatches("job")).containsExactly(seq, seq + 1);
    assertThat(store.batchChunkCount("job", seq)).isEqualTo(4);
  }

  @Test
  void aShardsGroupFromACursorThatMovedIsRefusedAndCountsNothing() {
    planned("job");
    shards.acquireLease("job", PLAN, 0, "a", T0, at(60));
    GroupRegistration first = group(Cursor.START, new Cursor(1, 0), 0, 1);
    shards.registerGroup("job", 0, first, at(1));

    assertThat(shards.registerGroup("job", 0, first, at(2))).isFalse();

    assertThat(job("job").counters().total()).isEqualTo(5);
    assertThat(shards.position("job", 0).cursor()).isEqualTo(new Cursor(1, 0));
  }

  @Test
  void anEndedJobRegistersNothingInAnyShard() {
    planned("job");
    shards.acquireLease("job", PLAN, 0, "a", T0, at(60));
    store.cancel("job", "stop", at(1));

    assertThat(shards.registerGroup("job", 0, wholeShard(0), at(2))).isFalse();

    assertThat(job("job").counters().total()).isZero();
    assertThat(store.pendingBatches("job")).isEmpty();
  }

  @Test
  void aShardsLastGroupIsResentUntilConfirmedSentAndALateConfirmationChangesNothing() {
    planned("job");
    shards.acquireLease("job", PLAN, 1, "a", T0, at(60));
    long seq = PLAN.firstSeq(1);
    shards.registerGroup("job", 1, group(new Cursor(3, 0), new Cursor(4, 0), seq, 3), at(1));

    assertThat(shards.position("job", 1).lastGroupFirstSeq()).isEqualTo(seq);
    shards.confirmSent("job", 1, seq + 3);
    shards.confirmSent("job", 1, seq + 1);

    assertThat(shards.position("job", 1).lastGroupFirstSeq()).isEqualTo(seq + 3);
  }

  @Test
  void theFanOutIsCompleteWhenItsLastShardIsInWhateverOrderAndOnlyOnce() {
    planned("job");
    List<Boolean> completions = new ArrayList<>();
    for (int shard : new int[] {2, 0, 1}) {
      shards.acquireLease("job", PLAN, shard, "owner-" + shard, T0, at(60));
      shards.registerGroup("job", shard, wholeShard(shard), at(1));
      assertThat(job("job").fanOut().complete()).isFalse();
      assertThat(job("job").status()).isEqualTo(JobStatus.FANNING_OUT);
      completions.add(shards.complete("job", shard, at(2)));
    }

    assertThat(completions).containsExactly(false, false, true);
    JobRecord job = job("job");
    assertThat(job.fanOut().complete()).isTrue();
    assertThat(job.status()).isEqualTo(JobStatus.EMBEDDING);
    assertThat(job.counters().total()).isEqualTo(3 * 9);
    assertThat(shards.complete("job", 1, at(3))).isFalse(); // a redelivery
    assertThat(shards.acquireLease("job", PLAN, 1, "late", at(100), at(160))).isFalse();
  }

  @Test
  void shardsCompletingAtOnceCompleteTheFanOutExactlyOnce() throws Exception {
    ShardPlan wide = new ShardPlan(16, 8);
    store.createIfAbsent(
        JobRecord.pending("job", "manifests/job.json", "fake", "fake-model", 8, T0));
    store.acquireFanoutLease("job", "first", T0, at(60));
    store.describe("job", new JobDescription("acme/shop", "abc", wide.files(), 100, 0, 10, 0), T0);
    shards.plan("job", wide, T0);
    IntStream.range(0, wide.shards())
        .forEach(s -> shards.acquireLease("job", wide, s, "owner-" + s, T0, at(60)));
    ExecutorService threads = Executors.newFixedThreadPool(wide.shards());
    try {
      List<Callable<Boolean>> calls = new ArrayList<>();
      for (int s = 0; s < wide.shards(); s++) {
        int shard = s;
        calls.add(() -> shards.complete("job", shard, at(1)));
        calls.add(() -> shards.complete("job", shard, at(1))); // each one delivered twice
      }
      long winners = 0;
      for (Future<Boolean> done : threads.invokeAll(calls)) {
        winners += done.get() ? 1 : 0;
      }
      assertThat(winners).isEqualTo(1);
    } finally {
      threads.shutdownNow();
    }
    assertThat(job("job").fanOut().complete()).isTrue();
  }

  @Test
  void deletingAJobForgetsItsShards() {
    planned("job");
    shards.acquireLease("job", PLAN, 0, "a", T0, at(60));

    store.delete("job");

    assertThat(shards.plan("job")).isEmpty();
    described("job");
    assertThat(shards.plan("job")).isEmpty();
  }
}
