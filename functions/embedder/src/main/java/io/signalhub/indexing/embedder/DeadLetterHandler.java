package io.signalhub.indexing.embedder;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.signalhub.indexing.aws.lambda.EconomyPolls;
import io.signalhub.indexing.aws.lambda.PartialBatchProcessor;
import io.signalhub.indexing.core.economy.EconomyService;
import io.signalhub.indexing.core.pipeline.BatchAccounting;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/**
 * Batches the DLQ received (the embedder crashed or timed out on every receive): their chunks are
 * counted failed with the reason, once, so the job still finishes; economy mode's polls that failed
 * on every receive → their batches go to the job's fallback. It builds no embedding provider: it
 * needs neither the provider's key nor its model.
 */
@Named("dead-letter")
@Singleton
public class DeadLetterHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

  @Inject BatchAccounting accounting;

  /** Economy mode's fallback for polls that kept failing, built at the first such message. */
  @Inject Instance<EconomyService> economy;

  @Override
  public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
    return PartialBatchProcessor.process(
        event,
        1,
        accounting::failDeadLettered,
        (poll, receives) -> EconomyPolls.deadLettered(economy.get()).apply(poll, receives));
  }
}
