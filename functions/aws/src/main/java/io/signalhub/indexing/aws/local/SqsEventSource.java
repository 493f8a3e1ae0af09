package io.signalhub.indexing.aws.local;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Plays Lambda's SQS event source mapping locally: long-polls a queue with up to {@code
 * maximumConcurrency} pollers, hands each batch of up to {@code batchSize} messages to the handler
 * as an {@link SQSEvent}, and deletes every message not named in the partial batch response. A
 * message left undeleted reappears after the visibility timeout and, after {@code maxReceiveCount}
 * receives, the queue's redrive policy moves it to the DLQ — as in AWS
 * (docs.aws.amazon.com/lambda/latest/dg/with-sqs.html). A handler that throws fails the whole
 * batch.
 */
public final class SqsEventSource implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(SqsEventSource.class.getName());

  private final SqsClient sqs;
  private final String queueUrl;
  private final String queueArn;
  private final int batchSize;
  private final int maximumConcurrency;
  private final Duration batchingWindow;
  private final Function<SQSEvent, SQSBatchResponse> handler;
  private volatile boolean running;
  private ExecutorService pollers;

  public SqsEventSource(
      SqsClient sqs,
      String queueUrl,
      int batchSize,
      int maximumConcurrency,
      Function<SQSEvent, SQSBatchResponse> handler) {
    this(sqs, queueUrl, batchSize, Duration.ZERO, maximumConcurrency, handler);
  }

  /**
   * @param batchingWindow how long to gather messages before invoking with fewer than {@code
   *     batchSize} (the mapping's {@code MaximumBatchingWindowInSeconds})
   */
  public SqsEventSource(
      SqsClient sqs,
      String queueUrl,
      int batchSize,
      Duration batchingWindow,
      int maximumConcurrency,
      Function<SQSEvent, SQSBatchResponse> handler) {
    this.batchingWindow = batchingWindow;
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.queueArn =
        "arn:aws:sqs:us-east-1:000000000000:" + queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
    this.batchSize = batchSize;
    this.maximumConcurrency = maximumConcurrency;
    this.handler = handler;
  }

  /** Starts the pollers in the background. */
  public void start() {
    running = true;
    pollers =
        Executors.newFixedThreadPool(
            maximumConcurrency,
            task -> {
              Thread thread = new Thread(task, "sqs-poller");
              thread.setDaemon(true);
              return thread;
            });
    for (int i = 0; i < maximumConcurrency; i++) {
      pollers.submit(
          () -> {
            while (running) {
              try {
                pollOnce(Duration.ofSeconds(1));
              } catch (RuntimeException e) {
                if (running) {
                  LOG.log(Level.WARNING, "Polling " + queueUrl + " failed; retrying", e);
                  sleepQuietly(Duration.ofMillis(500)); // as Lambda's pollers back off
                }
              }
            }
          });
    }
  }

  /**
   * Receives one batch (waiting up to {@code wait} for messages), invokes the handler and deletes
   * what succeeded.
   *
   * @return how many messages were received
   */
  public int pollOnce(Duration wait) {
    List<Message> messages = new ArrayList<>(receive(batchSize, wait));
    if (messages.isEmpty()) {
      return 0;
    }
    // the batching window: gather up to batchSize messages (ReceiveMessage returns at most 10)
    long windowEnd = System.nanoTime() + batchingWindow.toNanos();
    while (messages.size() < batchSize && System.nanoTime() < windowEnd) {
      List<Message> more = receive(batchSize - messages.size(), Duration.ZERO);
      if (more.isEmpty()) {
        sleepQuietly(Duration.ofMillis(100));
      }
      messages.addAll(more);
    }
    Set<String> failed = new HashSet<>();
    try {
      SQSBatchResponse response = handler.apply(toEvent(messages));
      response.getBatchItemFailures().forEach(f -> failed.add(f.getItemIdentifier()));
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Handler failed; the whole batch will be redelivered", e);
      messages.forEach(m -> failed.add(m.messageId()));
    }
    List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>();
    for (Message message : messages) {
      if (!failed.contains(message.messageId())) {
        deletes.add(
            DeleteMessageBatchRequestEntry.builder()
                .id(message.messageId())
                .receiptHandle(message.receiptHandle())
                .build());
      }
    }
    if (!deletes.isEmpty()) {
      sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(deletes));
    }
    return messages.size();
  }

  private List<Message> receive(int most, Duration wait) {
    return sqs.receiveMessage(
            r ->
                r.queueUrl(queueUrl)
                    .maxNumberOfMessages(Math.min(10, most))
                    .waitTimeSeconds((int) wait.toSeconds())
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
        .messages();
  }

  private SQSEvent toEvent(List<Message> messages) {
    List<SQSEvent.SQSMessage> records = new ArrayList<>();
    for (Message message : messages) {
      SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
      record.setMessageId(message.messageId());
      record.setReceiptHandle(message.receiptHandle());
      record.setBody(message.body());
      record.setMd5OfBody(message.md5OfBody());
      Map<String, String> attributes = new HashMap<>();
      message.attributes().forEach((name, value) -> attributes.put(name.toString(), value));
      record.setAttributes(attributes);
      record.setEventSource("aws:sqs");
      record.setEventSourceArn(queueArn);
      record.setAwsRegion("us-east-1");
      records.add(record);
    }
    SQSEvent event = new SQSEvent();
    event.setRecords(records);
    return event;
  }

  private static void sleepQuietly(Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Receives nothing more; a handler already running goes on ({@link #awaitStopped}). */
  public void stopPolling() {
    running = false;
    if (pollers != null) {
      pollers.shutdown();
    }
  }

  /**
   * Waits up to {@code atMost} for the handlers already running to finish.
   *
   * @return true if none runs any more
   */
  public boolean awaitStopped(Duration atMost) throws InterruptedException {
    return pollers == null || pollers.awaitTermination(atMost.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    stopPolling();
    awaitStopped(Duration.ofSeconds(5));
  }
}
