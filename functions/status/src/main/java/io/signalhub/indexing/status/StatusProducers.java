package io.signalhub.indexing.status;

import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.core.metrics.PipelineMetrics;
import io.signalhub.indexing.core.pipeline.JobsApi;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Builds the service once per container from the shared pipeline. */
public class StatusProducers {

  @Produces
  @Singleton
  JobsApi api(AwsPipeline pipeline) {
    return new JobsApi(pipeline.status());
  }

  @Produces
  @Singleton
  PipelineMetrics metrics(AwsPipeline pipeline) {
    return pipeline.metrics();
  }
}
