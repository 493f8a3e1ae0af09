package io.signalhub.indexing.aws.sqs;

import io.signalhub.indexing.core.economy.EconomyConfig;
import io.signalhub.indexing.core.economy.PollScheduler;
import java.time.Duration;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Economy mode's poller clock: a message with {@code DelaySeconds} (at most 900,
 * docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-timers.html) on
 * the queue the embedders read. Nothing runs until it is due; a poller that crashes gets it back.
 */
public record SqsPollScheduler(SqsClient sqs, String queueUrl) implements PollScheduler {

  @Override
  public void schedule(PollRequest request, Duration delay) {
    int seconds =
        (int) Math.max(0, Math.min(EconomyConfig.SQS_MAX_DELAY.toSeconds(), delay.toSeconds()));
    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(request.toJson()).delaySeconds(seconds));
  }
}
