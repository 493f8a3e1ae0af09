package io.signalhub.indexing.core.economy;

import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.pipeline.BatchMessage;
import io.signalhub.indexing.core.pipeline.BatchQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Economy mode: registered batches go to the provider's batch API instead of the on-demand queue,
 * and come back through the same accounting as on-demand batches.
 *
 * <p><b>Submit</b> ({@link #send}, the batch queue's producer side): an economy job's registered
 * batches are gathered across fan-out groups into files up to the provider's limits ({@link
 * Gathering}) and submitted ({@link Submissions}); an on-demand job's batches go to the on-demand
 * queue unchanged, and an economy job fails at once with what to change when the provider has no
 * batch API (rather than paying on-demand prices).
 *
 * <p><b>Poll</b> ({@link #poll}): a provider batch still running schedules the next poll (doubling
 * delays, nothing waits idle); a finished one is counted by {@link ProviderResults}, and what it
 * did not finish goes to the job's {@link Fallbacks fallback}.
 */
public final class EconomyService {

  private static final Logger LOG = Logger.getLogger(EconomyService.class.getName());

  /** Why an economy job fails when there is no batch API. */
  static final String NO_BATCH_API =
      "economy mode needs a provider with a batch API (openai, or bedrock with Titan Text"
          + " Embeddings V2 and signal-hub.bedrock.batch-role-arn); set mode on-demand or"
          + " deploy with one of those";

  private final EconomyPorts ports;
  private final JobModes modes;
  private final Submissions submissions;
  private final ProviderResults results;
  private final Fallbacks fallbacks;
  private final Gathering gathering;

  /**
   * @param ports its ports; a null {@code api} when the provider has no batch API (economy jobs
   *     then fail with what to change)
   */
  public EconomyService(EconomyPorts ports) {
    this.ports = ports;
    this.modes = new JobModes(ports);
    this.submissions = new Submissions(ports);
    this.results = new ProviderResults(ports);
    this.fallbacks = new Fallbacks(ports, modes, submissions);
    this.gathering = new Gathering(ports, submissions);
  }

  /** A batch queue that sends economy jobs' batches to the provider's batch API. */
  public BatchQueue queue() {
    return new BatchQueue() {
      @Override
      public void send(List<BatchMessage> messages) {
        EconomyService.this.send(messages);
      }

      @Override
      public void allSent(String jobId, long firstSeq, long endSeq) {
        if (ports.api() != null && settings(jobId).economy()) {
          gathering.allSent(jobId, firstSeq, endSeq);
        }
      }
    };
  }

  /** What one poll found. */
  public enum PollOutcome {
    /** The provider batch is still running; the next poll is scheduled. */
    WAITING,
    /** Its batches were counted or handed on now. */
    SETTLED,
    /** Nothing to do: settled before (a redelivery), or its job is gone. */
    NOTHING
  }

  /** Sends the messages of one job (a fan-out group) on demand or to be gathered. */
  public void send(List<BatchMessage> messages) {
    if (messages.isEmpty()) {
      return;
    }
    String jobId = messages.get(0).jobId();
    if (!settings(jobId).economy()) {
      ports.onDemand().send(messages);
    } else if (ports.api() == null) {
      ports.jobs().fail(jobId, NO_BATCH_API, ports.clock().instant());
    } else {
      gathering.registered(jobId, messages);
    }
  }

  /** The job's mode: recorded, else from its manifest's settings over the deployment's. */
  public EconomySettings settings(String jobId) {
    return modes.of(jobId);
  }

  /** Polls one submission, or gathers a range of batches; see the class comment. */
  public PollOutcome poll(PollScheduler.PollRequest request) {
    Optional<Gathering.Range> range = Gathering.range(request);
    if (range.isPresent()) {
      Optional<JobRecord> job = ports.jobs().get(request.jobId());
      if (job.isEmpty() || job.get().status().stopped()) {
        return PollOutcome.NOTHING;
      }
      gathering.gather(job.get(), range.get());
      return PollOutcome.SETTLED;
    }
    Optional<Submission> found = ports.economy().get(request.jobId(), request.submissionId());
    Optional<JobRecord> job = ports.jobs().get(request.jobId());
    if (found.isEmpty() || job.isEmpty() || found.get().phase() != Submission.Phase.SUBMITTED) {
      return PollOutcome.NOTHING;
    }
    Submission submission = found.get();
    if (job.get().status().stopped()) {
      try {
        ports.api().cancel(submission.providerBatchId()); // stop paying for what nobody will read
      } catch (RuntimeException e) { // best effort: it may have finished, or api be unreachable
        LOG.info(() -> "Job " + request.jobId() + ": cannot stop its provider batch: " + e);
      }
      ports.economy().update(submission, submission.settled("job " + job.get().status(), 0));
      return PollOutcome.NOTHING;
    }
    ProviderBatch batch = ports.api().get(submission.providerBatchId());
    int next = request.polls() + 1;
    if (!batch.state().terminal()) {
      ports.economy().update(submission, submission.observed(batch));
      ports.schedulePoll(request.jobId(), request.submissionId(), next, next);
      return PollOutcome.WAITING;
    }
    ProviderResults.Counted counted = results.count(job.get(), submission, batch);
    if (counted.deferred()) {
      // the provider batch is done; the earlier batches holding repeated texts are not yet
      ports.schedulePoll(request.jobId(), request.submissionId(), next, 0);
      return PollOutcome.WAITING;
    }
    String outcome = fallbacks.apply(job.get(), submission, batch, counted.leftover());
    ports
        .economy()
        .update(submission, submission.observed(batch).settled(outcome, counted.billed()));
    return PollOutcome.SETTLED;
  }

  /**
   * A poll that failed on every receive (the provider's batch API unreachable, say) reached the
   * dead-letter queue: the submission's still-pending batches go to the job's fallback now, so the
   * job still ends. Should the provider batch complete later, its results are not read. A gather
   * that reached it hands its batches to the fallback the same way.
   */
  public PollOutcome pollDeadLettered(PollScheduler.PollRequest request) {
    Optional<JobRecord> job = ports.jobs().get(request.jobId());
    if (job.isEmpty() || job.get().status().terminal()) {
      return PollOutcome.NOTHING;
    }
    Optional<Gathering.Range> range = Gathering.range(request);
    if (range.isPresent()) {
      for (Submission prepared : gathering.prepareForFallback(job.get(), range.get())) {
        handOn(job.get(), prepared, "its gathering kept failing and reached the dead-letter queue");
      }
      return PollOutcome.SETTLED;
    }
    Optional<Submission> found = ports.economy().get(request.jobId(), request.submissionId());
    if (found.isEmpty() || found.get().phase() == Submission.Phase.SETTLED) {
      return PollOutcome.NOTHING;
    }
    handOn(job.get(), found.get(), "its polls kept failing and reached the dead-letter queue");
    return PollOutcome.SETTLED;
  }

  /** Hands a submission's still-pending batches to the job's fallback, and settles it. */
  private void handOn(JobRecord job, Submission submission, String why) {
    List<BatchMessage> leftover = new ArrayList<>();
    for (long seq : submission.seqs()) {
      if (ports.pending(job.jobId(), seq)) {
        leftover.add(ports.message(job.jobId(), seq));
      }
    }
    ProviderBatch unknown =
        new ProviderBatch(
            submission.providerBatchId() != null ? submission.providerBatchId() : submission.id(),
            ProviderBatch.State.FAILED,
            submission.requests(),
            0,
            0,
            null,
            null,
            why);
    String outcome = fallbacks.apply(job, submission, unknown, leftover);
    ports.economy().update(submission, submission.settled(outcome, 0));
  }
}
