package io.signalhub.indexing.fanout;

import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.core.pipeline.FanOutFailureService;
import io.signalhub.indexing.core.pipeline.FanOutService;
import io.signalhub.indexing.core.provider.EmbeddingProviders;
import io.signalhub.indexing.core.provider.ProviderSettings;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Builds the service once per container from the shared pipeline. The fan-out needs only the
 * model's profile (limits, tokenizer, dimensions, price), never the provider itself: no key, no
 * client, no ONNX Runtime.
 */
public class FanOutProducers {

  @Produces
  @Singleton
  FanOutService fanOut(AwsPipeline pipeline, ProviderSettings provider) {
    return pipeline.fanOut(EmbeddingProviders.profile(provider));
  }

  /** No profile: whatever made the fan-out fail (its model included) must not stop this. */
  @Produces
  @Singleton
  FanOutFailureService failures(AwsPipeline pipeline, ProviderSettings provider) {
    return pipeline.fanOutFailures(provider.provider(), provider.model());
  }
}
