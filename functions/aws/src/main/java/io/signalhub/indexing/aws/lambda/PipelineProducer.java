package io.signalhub.indexing.aws.lambda;

import io.signalhub.indexing.aws.AwsPipeline;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
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
    return AwsPipeline.fromConfig(
        key -> ConfigProvider.getConfig().getOptionalValue(key, String.class));
  }

  void close(@Disposes AwsPipeline pipeline) {
    pipeline.close();
  }
}
