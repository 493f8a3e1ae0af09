package io.signalhub.indexing.aws.it;

import io.signalhub.indexing.aws.AwsEndpoints;
import java.util.Map;
import java.util.concurrent.BlockingQueue;

/** The pipeline contract on DynamoDB Local, ElasticMQ and s3proxy, in this JVM. */
class EmbeddedPipelineIT extends PipelineContract {

  @Override
  AwsEndpoints endpoints() {
    return EmbeddedServices.endpoints();
  }

  @Override
  BlockingQueue<String> s3Events() {
    return EmbeddedServices.S3_EVENTS;
  }

  /** Each harness has its own bucket: configure its notification, as the stack does for its own. */
  @Override
  PipelineHarness harness(Map<String, String> overrides) {
    PipelineHarness harness = super.harness(overrides);
    EmbeddedServices.notifyFor(harness.settings.bucket());
    return harness;
  }
}
