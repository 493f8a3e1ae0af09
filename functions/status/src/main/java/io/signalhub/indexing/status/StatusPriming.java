package io.signalhub.indexing.status;

import io.quarkus.runtime.StartupEvent;
import io.signalhub.indexing.aws.lambda.Priming;
import io.signalhub.indexing.core.pipeline.JobsApi;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/** During init: the pipeline's DynamoDB client and the jobs API. */
@ApplicationScoped
public class StatusPriming {

  @Inject Instance<JobsApi> api;

  void onStart(@Observes StartupEvent event) {
    Priming.prime("the jobs API", api::get);
  }
}
