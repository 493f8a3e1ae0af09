package io.signalhub.indexing.fanout;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.signalhub.indexing.aws.lambda.FanOutFailureLogic;
import io.signalhub.indexing.core.pipeline.FanOutFailureService;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/**
 * Fan-outs that failed on every attempt (Lambda's on-failure destination for the S3-triggered
 * invocation, the continuation queue's DLQ): their jobs end FAILED with the reason.
 */
@Named("fanout-failed")
@Singleton
public class FanOutFailureHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

  @Inject FanOutFailureService failures;

  @Override
  public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
    return FanOutFailureLogic.process(event, failures);
  }
}
