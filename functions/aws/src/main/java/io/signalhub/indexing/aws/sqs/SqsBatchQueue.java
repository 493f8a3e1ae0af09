package io.signalhub.indexing.aws.sqs;

import io.signalhub.indexing.core.pipeline.BatchMessage;
import io.signalhub.indexing.core.pipeline.BatchQueue;
import io.signalhub.indexing.core.retry.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * The batch queue: SendMessageBatch of up to 10, resending only the entries SQS reports as failed
 * (a batch call can succeed partially:
 * docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html).
 */
public final class SqsBatchQueue implements BatchQueue {

  private static final int MAX_ROUNDS = 6;
  private static final int MAX_ENTRIES = 10;

  private final SqsClient sqs;
  private final String queueUrl;
  private final Sleeper sleeper;

  public SqsBatchQueue(SqsClient sqs, String queueUrl, Sleeper sleeper) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.sleeper = sleeper;
  }

  @Override
  public void send(List<BatchMessage> messages) {
    if (messages.size() > MAX_ENTRIES) {
      throw new IllegalArgumentException(
          "SQS sends at most " + MAX_ENTRIES + " messages at once, got " + messages.size());
    }
    Map<String, SendMessageBatchRequestEntry> pending = new HashMap<>();
    for (int i = 0; i < messages.size(); i++) {
      // the entry's position, not its batch number: ids must be distinct within one call
      String id = Integer.toString(i);
      pending.put(
          id,
          SendMessageBatchRequestEntry.builder()
              .id(id)
              .messageBody(messages.get(i).toJson())
              .build());
    }
    List<String> lastErrors = List.of();
    for (int round = 0; round < MAX_ROUNDS && !pending.isEmpty(); round++) {
      List<SendMessageBatchRequestEntry> entries = new ArrayList<>(pending.values());
      SendMessageBatchResponse response =
          sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
      response.successful().forEach(ok -> pending.remove(ok.id()));
      lastErrors = response.failed().stream().map(BatchResultErrorEntry::message).toList();
      if (!pending.isEmpty()) {
        try {
          sleeper.sleep(Duration.ofMillis(100L << round));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    if (!pending.isEmpty()) {
      throw new IllegalStateException(
          pending.size() + " batch messages could not be sent to " + queueUrl + ": " + lastErrors);
    }
  }
}
