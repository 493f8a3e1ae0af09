package io.signalhub.indexing.embedder;

import io.quarkus.runtime.StartupEvent;
import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.aws.lambda.ApiKeySecret;
import io.signalhub.indexing.aws.lambda.Priming;
import io.signalhub.indexing.core.pipeline.BatchAccounting;
import io.signalhub.indexing.core.pipeline.EmbedderService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/**
 * During init: the pipeline's clients and the provider (the Bedrock client, or the local model's
 * weights and ONNX session) for the embedder; the job store for the DLQ consumer. An API key read
 * from Secrets Manager is the exception: it is read at the first request, so a snapshot never holds
 * it and a rotated key is picked up by new environments.
 */
@ApplicationScoped
public class EmbedderPriming {

  @Inject Instance<EmbedderService> embedder;
  @Inject Instance<AwsPipeline> pipeline;
  @Inject Instance<BatchAccounting> accounting;

  void onStart(@Observes StartupEvent event) {
    if (Priming.handler().equals("dead-letter")) {
      Priming.prime("the batch accounting", accounting::get);
    } else if (ApiKeySecret.arn().isPresent()) {
      Priming.prime("the pipeline (the API key is read at the first request)", pipeline::get);
    } else {
      Priming.prime("the embedder and its provider", embedder::get);
    }
  }
}
