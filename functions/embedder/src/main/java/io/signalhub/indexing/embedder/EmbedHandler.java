package io.signalhub.indexing.embedder;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.aws.lambda.EconomyPolls;
import io.signalhub.indexing.aws.lambda.PartialBatchProcessor;
import io.signalhub.indexing.core.economy.EconomyService;
import io.signalhub.indexing.core.pipeline.EmbedderService;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/**
 * SQS batch messages → embed, store, account, up to {@code signal-hub.concurrency} at once; economy
 * mode's poll messages on the same queue → poll the provider batch; only the messages to retry are
 * reported failed.
 */
@Named("embed")
@Singleton
public class EmbedHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

  @Inject EmbedderService embedder;
  @Inject AwsPipeline pipeline;

  /** Economy mode's poller, built at the first poll message (see EmbedderProducers). */
  @Inject Instance<EconomyService> economy;

  @Override
  public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
    return PartialBatchProcessor.process(
        event,
        pipeline.settings().concurrency(),
        embedder::process,
        (poll, receives) -> EconomyPolls.poller(economy.get()).apply(poll, receives));
  }
}
