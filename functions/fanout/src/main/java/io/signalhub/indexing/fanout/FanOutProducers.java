package io.signalhub.indexing.fanout;

import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.core.pipeline.FanOutService;
import io.signalhub.indexing.core.provider.EmbeddingProviders;
import io.signalhub.indexing.core.provider.ProviderSettings;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Builds the service once per container from the shared pipeline. */
public class FanOutProducers {

  @Produces
  @Singleton
  FanOutService fanOut(AwsPipeline pipeline) {
    return pipeline.fanOut(
        EmbeddingProviders.profile(ProviderSettings.fromEnvironment(System.getenv())));
  }
}
