package io.signalhub.indexing.core.economy;

import java.time.Duration;

/**
 * Asks for a submission to be polled later: in production a delayed SQS message (DelaySeconds, at
 * most 15 minutes) on the batch queue, so nothing runs while a provider batch is in progress and
 * nothing is lost if a poller crashes (the message comes back).
 */
public interface PollScheduler {

  void schedule(PollRequest request, Duration delay);

  /** What to poll; {@code polls} counts the polls before this one (for the back-off). */
  record PollRequest(String jobId, String submissionId, int polls) {}
}
