package io.signalhub.indexing.aws.lambda;

import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.core.economy.EconomyConfig;
import io.signalhub.indexing.core.provider.ProviderSettings;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The pipeline every function builds its service from: once per container, from its configuration
 * (every {@code signal-hub.*} key, overridable by environment variable). Found by the functions
 * through this module's {@code META-INF/beans.xml}.
 */
public class PipelineProducer {

  @Produces
  @Singleton
  AwsPipeline pipeline() {
    return AwsPipeline.fromConfig(PipelineProducer::config);
  }

  /**
   * The embedding provider's settings: the {@code SIGNAL_HUB_EMBEDDING_*} and {@code OPENAI_*}
   * variables, read through the configuration (which includes the environment).
   */
  @Produces
  @Singleton
  ProviderSettings providerSettings() {
    return ProviderSettings.from(PipelineProducer::config);
  }

  /** Economy mode's deployment defaults ({@code signal-hub.mode}, {@code signal-hub.economy.*}). */
  @Produces
  @Singleton
  EconomyConfig economyConfig() {
    return EconomyConfig.from(PipelineProducer::config);
  }

  private static Optional<String> config(String key) {
    return ConfigProvider.getConfig().getOptionalValue(key, String.class);
  }

  void close(@Disposes AwsPipeline pipeline) {
    pipeline.close();
  }
}
