package io.signalhub.indexing.infra;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/** The batch queue and its DLQ, the fan-out's continuation queue and its failures' queue. */
final class Queues {

  final Queue deadLetters;
  final Queue batches;
  final Queue fanOutFailures;
  final Queue continuations;

  Queues(Construct stack, StackSettings settings) {
    deadLetters = queue(stack, "BatchDeadLetters").retentionPeriod(Duration.days(14)).build();
    // Lambda advises a visibility timeout of at least 6x the function timeout for SQS sources
    // (docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html)
    batches =
        queue(stack, "Batches")
            .visibilityTimeout(
                Duration.seconds(6 * SignalHubStack.EMBEDDER_TIMEOUT.toSeconds().longValue()))
            .retentionPeriod(Duration.days(4))
            .deadLetterQueue(
                DeadLetterQueue.builder()
                    .queue(deadLetters)
                    .maxReceiveCount(settings.maxReceiveCount())
                    .build())
            .build();
    // fan-outs that failed on every attempt: the S3-triggered invocation's on-failure destination
    // and the continuation queue's DLQ; a consumer ends their jobs FAILED (invariant 9)
    fanOutFailures =
        queue(stack, "FanOutFailures")
            .retentionPeriod(Duration.days(14))
            .visibilityTimeout(
                Duration.seconds(
                    6 * SignalHubStack.FAILURE_CONSUMER_TIMEOUT.toSeconds().longValue()))
            .build();
    continuations =
        queue(stack, "FanOutContinuations")
            .visibilityTimeout(
                Duration.seconds(6 * SignalHubStack.FANOUT_TIMEOUT.toSeconds().longValue()))
            .deadLetterQueue(
                DeadLetterQueue.builder()
                    .queue(fanOutFailures)
                    .maxReceiveCount(SignalHubStack.FANOUT_ATTEMPTS)
                    .build())
            .build();
  }

  /** A queue encrypted with SQS-managed keys that refuses requests without TLS. */
  private static Queue.Builder queue(Construct stack, String id) {
    return Queue.Builder.create(stack, id).encryption(QueueEncryption.SQS_MANAGED).enforceSsl(true);
  }
}
