package io.signalhub.indexing.core.economy;

import io.signalhub.indexing.core.job.BatchResult;
import io.signalhub.indexing.core.job.Failure;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.pipeline.BatchMessage;
import java.util.List;
import java.util.logging.Logger;

/**
 * What becomes of the batches an expired, cancelled or failed provider batch did not finish, per
 * the job's fallback: on demand (the default), resubmitted (at most {@code maxResubmits} times,
 * never after a validation failure, then on demand), or counted failed with the provider's reason.
 * Every path ends in the batch markers, so the job still finishes.
 */
final class Fallbacks {

  private static final Logger LOG = Logger.getLogger(Fallbacks.class.getName());

  /** SQS's SendMessageBatch takes at most ten messages. */
  private static final int SEND_BATCH = 10;

  private final EconomyPorts ports;
  private final JobModes modes;
  private final Submissions submissions;

  Fallbacks(EconomyPorts ports, JobModes modes, Submissions submissions) {
    this.ports = ports;
    this.modes = modes;
    this.submissions = submissions;
  }

  /** Hands {@code leftover} on; returns how the submission ended, for its status. */
  String apply(
      JobRecord job, Submission submission, ProviderBatch batch, List<BatchMessage> leftover) {
    if (leftover.isEmpty()) {
      return "counted";
    }
    String reason =
        "provider batch "
            + batch.id()
            + " "
            + batch.state().wire()
            + (batch.error() != null ? ": " + batch.error() : "");
    EconomySettings settings = modes.of(job.jobId());
    EconomySettings.Fallback fallback = settings.fallback();
    if (fallback == EconomySettings.Fallback.RESUBMIT
        && (ports.api() == null // e.g. a dead-letter consumer built without the provider's key
            || submission.attempt() >= settings.maxResubmits()
            || batch.state() == ProviderBatch.State.FAILED)) {
      fallback = EconomySettings.Fallback.ON_DEMAND; // the same file would fail again
    }
    LOG.info(
        () ->
            "Job "
                + job.jobId()
                + ": "
                + reason
                + "; "
                + leftover.size()
                + " batches go to the fallback");
    switch (fallback) {
      case RESUBMIT -> {
        String base = submission.id().replaceFirst("-r\\d+$", "");
        submissions.resubmit(
            job.jobId(), base, submission.attempt() + 1, leftover, submission.id());
        return "resubmitted (" + reason + ")";
      }
      case FAIL -> {
        for (BatchMessage message : leftover) {
          ports
              .accounting()
              .account(
                  message,
                  BatchResult.allFailed(
                      message.chunks(),
                      reason,
                      List.of(new Failure("batch " + message.seq(), reason))),
                  ports.clock().instant(),
                  null);
        }
        return "failed (" + reason + ")";
      }
      default -> {
        for (int i = 0; i < leftover.size(); i += SEND_BATCH) {
          ports.onDemand().send(leftover.subList(i, Math.min(leftover.size(), i + SEND_BATCH)));
        }
        return "sent on demand (" + reason + ")";
      }
    }
  }
}
