package io.signalhub.indexing.core.economy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link EconomyStore} guarantees; run on the in-memory store and on DynamoDB Local. The
 * exactly-once rules of economy mode rest on these: one mode per job, one owner per batch, one
 * submission per id, and no lost update of a submission.
 */
public abstract class EconomyStoreContract {

  protected abstract EconomyStore newStore();

  private EconomyStore store;

  @BeforeEach
  void create() {
    store = newStore();
  }

  @Test
  void theFirstRecordedModeOfAJobStays() {
    EconomySettings economy =
        new EconomySettings(EconomySettings.Mode.ECONOMY, EconomySettings.Fallback.FAIL, 1);

    assertThat(store.modeIfAbsent("job", economy)).isEqualTo(economy);
    assertThat(store.modeIfAbsent("job", EconomySettings.ON_DEMAND)).isEqualTo(economy);
    assertThat(store.mode("job")).contains(economy);
    assertThat(store.mode("other")).isEmpty();
  }

  @Test
  void aBatchHasOneOwnerUntilItsOwnerHandsItOn() {
    assertThat(store.claim("job", 3, "s3", null)).isEqualTo("s3");
    assertThat(store.claim("job", 3, "s3", null)).isEqualTo("s3"); // a resend: still ours
    assertThat(store.claim("job", 3, "s1", null)).isEqualTo("s3");
    assertThat(store.claim("job", 3, "s3-r1", "s2")).isEqualTo("s3"); // not the owner named
    assertThat(store.claim("job", 3, "s3-r1", "s3")).isEqualTo("s3-r1");
    assertThat(store.claim("job", 4, "s1", null)).isEqualTo("s1");
  }

  @Test
  void aSubmissionIsCreatedOnceAndUpdatedOnlyFromTheVersionRead() {
    Submission prepared = Submission.prepared("job", "s0", List.of(0L, 1L), 0);
    Submission created = store.createIfAbsent(prepared);
    assertThat(store.createIfAbsent(Submission.prepared("job", "s0", List.of(9L), 0)).seqs())
        .containsExactly(0L, 1L);

    var batch =
        new ProviderBatch("batch_1", ProviderBatch.State.IN_PROGRESS, 10, 4, 0, null, null, null);
    assertThat(store.update(created, created.submitted(batch))).isTrue();
    assertThat(store.update(created, created.settled("late", 0))).isFalse();

    Submission read = store.get("job", "s0").orElseThrow();
    assertThat(read.phase()).isEqualTo(Submission.Phase.SUBMITTED);
    assertThat(read.providerBatchId()).isEqualTo("batch_1");
    assertThat(read.providerState()).isEqualTo("in_progress");
    assertThat(read.done()).isEqualTo(4);
    assertThat(store.update(read, read.settled("counted", 120))).isTrue();
    assertThat(store.get("job", "s0").orElseThrow())
        .satisfies(s -> assertThat(s.phase()).isEqualTo(Submission.Phase.SETTLED))
        .satisfies(s -> assertThat(s.tokens()).isEqualTo(120))
        .satisfies(s -> assertThat(s.outcome()).isEqualTo("counted"));
  }

  @Test
  void aJobsSubmissionsAreListedByFirstBatchThenAttempt() {
    store.createIfAbsent(Submission.prepared("job", "s5", List.of(5L, 6L), 0));
    store.createIfAbsent(Submission.prepared("job", "s0-r1", List.of(0L), 1));
    store.createIfAbsent(Submission.prepared("job", "s0", List.of(0L, 1L), 0));
    store.createIfAbsent(Submission.prepared("other", "s0", List.of(0L), 0));

    assertThat(store.list("job")).extracting(Submission::id).containsExactly("s0", "s0-r1", "s5");
    assertThat(store.get("job", "missing")).isEmpty();
  }
}
