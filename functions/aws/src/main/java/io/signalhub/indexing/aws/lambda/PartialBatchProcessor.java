package io.signalhub.indexing.aws.lambda;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.signalhub.indexing.core.economy.PollScheduler;
import io.signalhub.indexing.core.pipeline.BatchMessage;
import io.signalhub.indexing.core.pipeline.EmbedderService;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.slf4j.MDC;

/**
 * Processes an SQS event record by record and answers with a partial batch response: only the
 * records that should be retried are returned in {@code batchItemFailures}; the rest are deleted by
 * Lambda
 * (docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting).
 * A record that cannot be parsed is logged and dropped: redelivering it cannot help.
 *
 * <p>Records are processed up to {@code parallelism} at a time: an invocation holds up to ten
 * batches, and embedding them one after another would leave the provider's latency unused (the
 * embedder's rate limiter still bounds the requests in flight). The queue is standard, not FIFO, so
 * order carries no meaning.
 */
public final class PartialBatchProcessor {

  private static final Logger LOG = Logger.getLogger(PartialBatchProcessor.class.getName());

  private PartialBatchProcessor() {}

  /** Processes the records one at a time. */
  public static SQSBatchResponse process(
      SQSEvent event, BiFunction<BatchMessage, Integer, EmbedderService.Outcome> handler) {
    return process(event, 1, handler);
  }

  public static SQSBatchResponse process(
      SQSEvent event,
      int parallelism,
      BiFunction<BatchMessage, Integer, EmbedderService.Outcome> handler) {
    return process(event, parallelism, handler, PartialBatchProcessor::noPoller);
  }

  /**
   * Processes batch messages with {@code handler} and economy mode's poll messages (same queue)
   * with {@code polls}.
   */
  public static SQSBatchResponse process(
      SQSEvent event,
      int parallelism,
      BiFunction<BatchMessage, Integer, EmbedderService.Outcome> handler,
      BiFunction<PollScheduler.PollRequest, Integer, EmbedderService.Outcome> polls) {
    List<SQSEvent.SQSMessage> records = event.getRecords();
    int threads = Math.max(1, Math.min(parallelism, records.size()));
    List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Optional<SQSBatchResponse.BatchItemFailure>>> results = new ArrayList<>();
      for (SQSEvent.SQSMessage record : records) {
        results.add(pool.submit(() -> processRecord(record, handler, polls)));
      }
      for (int i = 0; i < records.size(); i++) {
        try {
          results.get(i).get().ifPresent(failures::add);
        } catch (ExecutionException e) {
          failures.add(retry(records.get(i), e.getCause()));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          failures.add(retry(records.get(i), e));
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return new SQSBatchResponse(failures);
  }

  /** The record's failure entry when it should be redelivered. */
  private static Optional<SQSBatchResponse.BatchItemFailure> processRecord(
      SQSEvent.SQSMessage record,
      BiFunction<BatchMessage, Integer, EmbedderService.Outcome> handler,
      BiFunction<PollScheduler.PollRequest, Integer, EmbedderService.Outcome> polls) {
    Optional<PollScheduler.PollRequest> poll = PollScheduler.PollRequest.parse(record.getBody());
    if (poll.isPresent()) {
      try (MDC.MDCCloseable job = MDC.putCloseable("jobId", poll.get().jobId())) {
        return polls.apply(poll.get(), receiveCount(record)) == EmbedderService.Outcome.RETRY
            ? Optional.of(new SQSBatchResponse.BatchItemFailure(record.getMessageId()))
            : Optional.empty();
      } catch (RuntimeException e) {
        return Optional.of(retry(record, e));
      }
    }
    BatchMessage message;
    try {
      message = BatchMessage.parse(record.getBody());
    } catch (IllegalArgumentException e) {
      LOG.warning(() -> "Dropping message " + record.getMessageId() + ": " + e.getMessage());
      return Optional.empty();
    }
    // every log line about this batch carries its job and number (fields of the JSON log)
    try (MDC.MDCCloseable job = MDC.putCloseable("jobId", message.jobId());
        MDC.MDCCloseable seq = MDC.putCloseable("batchSeq", Long.toString(message.seq()))) {
      return handler.apply(message, receiveCount(record)) == EmbedderService.Outcome.RETRY
          ? Optional.of(new SQSBatchResponse.BatchItemFailure(record.getMessageId()))
          : Optional.empty();
    } catch (RuntimeException e) {
      return Optional.of(retry(record, e));
    }
  }

  private static EmbedderService.Outcome noPoller(PollScheduler.PollRequest poll, int receives) {
    LOG.warning(() -> "Dropping economy poll " + poll + ": this consumer has no poller");
    return EmbedderService.Outcome.DISCARDED;
  }

  private static SQSBatchResponse.BatchItemFailure retry(
      SQSEvent.SQSMessage record, Throwable cause) {
    LOG.log(
        Level.WARNING,
        "Message " + record.getMessageId() + " failed; it will be redelivered",
        cause);
    return new SQSBatchResponse.BatchItemFailure(record.getMessageId());
  }

  static int receiveCount(SQSEvent.SQSMessage record) {
    String count =
        record.getAttributes() == null
            ? null
            : record.getAttributes().get("ApproximateReceiveCount");
    return count == null ? 1 : Integer.parseInt(count);
  }
}
