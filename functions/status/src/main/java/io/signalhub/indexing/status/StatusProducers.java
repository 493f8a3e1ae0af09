package io.signalhub.indexing.status;

import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.core.pipeline.JobsApi;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.ConfigProvider;

/** Builds the services once per container, from configuration. */
public class StatusProducers {

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
  JobsApi api(AwsPipeline pipeline) {
    return new JobsApi(pipeline.status());
  }
}
