package io.signalhub.indexing.fanout;

import com.amazonaws.services.lambda.runtime.Context;
import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.aws.lambda.ManifestUploads;
import io.signalhub.indexing.core.pipeline.FanOutService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;

/**
 * What one fan-out invocation does with the manifest keys (or shard continuations) it was handed,
 * whichever event brought them: fans each out until Lambda's remaining time runs short, and queues
 * what must go on in a fresh invocation (the 15-minute limit) on the continuation queue.
 */
@ApplicationScoped
public class FanOutInvocation {

  @Inject AwsPipeline pipeline;
  @Inject FanOutService fanOut;

  public List<FanOutService.Outcome> fanOut(List<String> messages, Context context) {
    Instant deadline = Instant.now().plusMillis(context.getRemainingTimeInMillis());
    return ManifestUploads.fanOut(messages, fanOut, deadline, this::continueLater);
  }

  private void continueLater(String message) {
    String url = pipeline.queueUrl(pipeline.settings().continuationQueue());
    pipeline.sqs().sendMessage(r -> r.queueUrl(url).messageBody(message));
  }
}
