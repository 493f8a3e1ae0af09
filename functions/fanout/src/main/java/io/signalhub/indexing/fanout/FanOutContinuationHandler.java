package io.signalhub.indexing.fanout;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.signalhub.indexing.core.pipeline.FanOutService;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;

/**
 * A fan-out that ran out of time queued its manifest key; this invocation resumes it from the job's
 * cursor (and queues it again if it runs out of time too).
 */
@Named("fanout-continuation")
@Singleton
public class FanOutContinuationHandler
    implements RequestHandler<SQSEvent, List<FanOutService.Outcome>> {

  @Inject FanOutService fanOut;
  @Inject Continuations continuations;

  @Override
  public List<FanOutService.Outcome> handleRequest(SQSEvent event, Context context) {
    Instant deadline = Instant.now().plusMillis(context.getRemainingTimeInMillis());
    return event.getRecords().stream()
        .map(
            record -> {
              FanOutService.Outcome outcome = fanOut.fanOut(record.getBody(), deadline);
              if (outcome == FanOutService.Outcome.CONTINUE) {
                continuations.send(record.getBody());
              }
              return outcome;
            })
        .toList();
  }
}
