package io.signalhub.indexing.fanout;

import io.quarkus.runtime.StartupEvent;
import io.signalhub.indexing.aws.lambda.Priming;
import io.signalhub.indexing.core.pipeline.FanOutFailureService;
import io.signalhub.indexing.core.pipeline.FanOutService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/**
 * During init: the pipeline's clients, the batch queue's URL and the model's profile (tokenizer
 * included) for the fan-out and its continuation; the job store for the failure consumer.
 */
@ApplicationScoped
public class FanOutPriming {

  @Inject Instance<FanOutService> fanOut;
  @Inject Instance<FanOutFailureService> failures;

  void onStart(@Observes StartupEvent event) {
    if (Priming.handler().equals("fanout-failed")) {
      Priming.prime("the fan-out failure service", failures::get);
    } else {
      Priming.prime("the fan-out service", fanOut::get);
    }
  }
}
