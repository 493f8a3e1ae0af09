package io.signalhub.indexing.fanout;

import io.signalhub.indexing.aws.AwsPipeline;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Queues a manifest key whose fan-out must go on in a fresh invocation (15-minute limit). */
@ApplicationScoped
public class Continuations {

  @Inject AwsPipeline pipeline;

  public void send(String manifestKey) {
    String url = pipeline.queueUrl(pipeline.settings().continuationQueue());
    pipeline.sqs().sendMessage(r -> r.queueUrl(url).messageBody(manifestKey));
  }
}
