package io.signalhub.indexing.aws.lambda;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.signalhub.indexing.core.pipeline.BatchMessage;
import io.signalhub.indexing.core.pipeline.EmbedBatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Per-record processing of an SQS event with partial batch responses: only the records that should
 * be retried are returned in {@code batchItemFailures}; the rest are deleted by Lambda
 * (docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting).
 * A record that cannot be parsed is logged and dropped: redelivering it cannot help.
 */
public final class SqsBatchLogic {

  private static final Logger LOG = Logger.getLogger(SqsBatchLogic.class.getName());

  private SqsBatchLogic() {}

  public static SQSBatchResponse process(
      SQSEvent event, BiFunction<BatchMessage, Integer, EmbedBatchService.Outcome> handler) {
    List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
    for (SQSEvent.SQSMessage record : event.getRecords()) {
      BatchMessage message;
      try {
        message = BatchMessage.parse(record.getBody());
      } catch (IllegalArgumentException e) {
        LOG.warning(() -> "Dropping message " + record.getMessageId() + ": " + e.getMessage());
        continue;
      }
      try {
        if (handler.apply(message, receiveCount(record)) == EmbedBatchService.Outcome.RETRY) {
          failures.add(new SQSBatchResponse.BatchItemFailure(record.getMessageId()));
        }
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Batch " + message.id() + " failed; it will be redelivered", e);
        failures.add(new SQSBatchResponse.BatchItemFailure(record.getMessageId()));
      }
    }
    return new SQSBatchResponse(failures);
  }

  static int receiveCount(SQSEvent.SQSMessage record) {
    String count =
        record.getAttributes() == null
            ? null
            : record.getAttributes().get("ApproximateReceiveCount");
    return count == null ? 1 : Integer.parseInt(count);
  }
}
