package io.signalhub.indexing.fanout;

import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.core.pipeline.FanOutService;
import io.signalhub.indexing.core.provider.EmbeddingProviders;
import io.signalhub.indexing.core.provider.ProviderSettings;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.ConfigProvider;

/** Builds the services once per container, from configuration. */
public class FanOutProducers {

  @Produces
  @Singleton
  AwsPipeline pipeline() {
    return AwsPipeline.fromConfig(
        key -> ConfigProvider.getConfig().getOptionalValue(key, String.class));
  }

  void close(@Disposes AwsPipeline pipeline) {
    pipeline.close();
  }

  @Produces
  @Singleton
  FanOutService fanOut(AwsPipeline pipeline) {
    return pipeline.fanOut(
        EmbeddingProviders.profile(ProviderSettings.fromEnvironment(System.getenv())));
  }
}
