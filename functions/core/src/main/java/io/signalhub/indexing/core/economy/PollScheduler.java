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
  record PollRequest(String jobId, String submissionId, int polls) {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
        new com.fasterxml.jackson.databind.ObjectMapper();

    /** The queue message's body: {@code {"economyPoll": {jobId, submissionId, polls}}}. */
    public String toJson() {
      var root = JSON.createObjectNode();
      root.putObject("economyPoll")
          .put("jobId", jobId)
          .put("submissionId", submissionId)
          .put("polls", polls);
      return root.toString();
    }

    /** The poll request a queue message carries, or empty for any other body. */
    public static java.util.Optional<PollRequest> parse(String body) {
      if (body == null || !body.contains("\"economyPoll\"")) {
        return java.util.Optional.empty();
      }
      try {
        var poll = JSON.readTree(body).path("economyPoll");
        if (!poll.path("jobId").isTextual() || !poll.path("submissionId").isTextual()) {
          return java.util.Optional.empty();
        }
        return java.util.Optional.of(
            new PollRequest(
                poll.get("jobId").asText(),
                poll.get("submissionId").asText(),
                poll.path("polls").asInt()));
      } catch (java.io.IOException e) {
        return java.util.Optional.empty();
      }
    }
  }
}
