package io.signalhub.indexing.fanout;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.signalhub.indexing.core.pipeline.FanOutService;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * A fan-out that ran out of time queued its manifest key, or a sharded manifest queued one message
 * per shard; this invocation resumes the job (or the shard) from its cursor, and queues it again if
 * it runs out of time too. Lambda runs one invocation per message, so shards run in parallel.
 */
@Named("fanout-continuation")
@Singleton
public class FanOutContinuationHandler
    implements RequestHandler<SQSEvent, List<FanOutService.Outcome>> {

  @Inject FanOutInvocation invocation;

  @Override
  public List<FanOutService.Outcome> handleRequest(SQSEvent event, Context context) {
    return invocation.fanOut(
        event.getRecords().stream().map(SQSEvent.SQSMessage::getBody).toList(), context);
  }
}
