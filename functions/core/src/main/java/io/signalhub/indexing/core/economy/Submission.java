package io.signalhub.indexing.core.economy;

import java.util.List;

/**
 * Registered batches of one job submitted together as one provider batch: the economy state, kept
 * in its own items beside the job's (never on the job record).
 *
 * @param jobId the job
 * @param id {@code s<first seq>}, then {@code -r<attempt>} for a resubmission
 * @param seqs the registered batches it carries
 * @param attempt 0 for the first submission, 1.. for resubmissions
 * @param phase where it stands on our side
 * @param providerBatchId the provider's batch id once submitted
 * @param providerState the provider's last state, e.g. {@code in_progress}
 * @param requests requests in the provider batch
 * @param done requests done as last read
 * @param tokens tokens billed at the batch price, once settled
 * @param outcome how it ended on our side: counted, sent on demand, resubmitted as, failed
 * @param version optimistic lock
 */
public record Submission(
    String jobId,
    String id,
    List<Long> seqs,
    int attempt,
    Phase phase,
    String providerBatchId,
    String providerState,
    int requests,
    int done,
    long tokens,
    String outcome,
    long version) {

  /** Our side of a provider batch's life. */
  public enum Phase {
    /** Registered, not (known to be) created at the provider yet. */
    PREPARED,
    /** Created at the provider; the poller follows it. */
    SUBMITTED,
    /** Its batches are counted, or handed on (on demand, resubmitted, failed). */
    SETTLED
  }

  /** By first batch, then attempt: the order the job's batches were registered and retried. */
  public static final java.util.Comparator<Submission> ORDER =
      java.util.Comparator.comparingLong(
              (Submission s) -> s.seqs().isEmpty() ? -1 : s.seqs().get(0))
          .thenComparingInt(Submission::attempt)
          .thenComparing(Submission::id);

  public Submission {
    seqs = List.copyOf(seqs);
  }

  public static Submission prepared(String jobId, String id, List<Long> seqs, int attempt) {
    return new Submission(jobId, id, seqs, attempt, Phase.PREPARED, null, null, 0, 0, 0, null, 0);
  }

  /** Created at the provider as {@code batch}: the poller follows it. */
  public Submission submitted(ProviderBatch batch) {
    return read(Phase.SUBMITTED, batch.id(), batch);
  }

  /** The provider batch as last read. */
  public Submission observed(ProviderBatch batch) {
    return read(phase, providerBatchId, batch);
  }

  private Submission read(Phase phase, String providerBatchId, ProviderBatch batch) {
    return new Submission(
        jobId,
        id,
        seqs,
        attempt,
        phase,
        providerBatchId,
        batch.state().wire(),
        batch.total(),
        batch.completed() + batch.failed(),
        tokens,
        outcome,
        version);
  }

  public Submission settled(String how, long billedTokens) {
    return new Submission(
        jobId,
        id,
        seqs,
        attempt,
        Phase.SETTLED,
        providerBatchId,
        providerState,
        requests,
        done,
        billedTokens,
        how,
        version);
  }
}
