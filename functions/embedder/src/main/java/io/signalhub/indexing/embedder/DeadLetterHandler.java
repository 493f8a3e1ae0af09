package io.signalhub.indexing.embedder;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.signalhub.indexing.aws.lambda.PartialBatchProcessor;
import io.signalhub.indexing.core.pipeline.BatchAccounting;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/**
 * Batches the DLQ received (the embedder crashed or timed out on every receive): their chunks are
 * counted failed with the reason, once, so the job still finishes. It builds no embedding provider:
 * it needs neither the provider's key nor its model.
 */
@Named("dead-letter")
@Singleton
public class DeadLetterHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

  @Inject BatchAccounting accounting;

  @Override
  public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
    return PartialBatchProcessor.process(event, accounting::failDeadLettered);
  }
}
