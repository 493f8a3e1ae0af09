package io.signalhub.indexing.fanout;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import io.signalhub.indexing.aws.lambda.ManifestUploads;
import io.signalhub.indexing.core.pipeline.FanOutService;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.List;

/** S3 ObjectCreated under manifests/ → fan out the job. */
@Named("fanout")
@Singleton
public class FanOutHandler implements RequestHandler<S3Event, List<FanOutService.Outcome>> {

  @Inject FanOutInvocation invocation;

  @Override
  public List<FanOutService.Outcome> handleRequest(S3Event event, Context context) {
    return invocation.fanOut(ManifestUploads.keys(event), context);
  }
}
