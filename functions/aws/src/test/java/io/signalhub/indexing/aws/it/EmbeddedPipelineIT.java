package io.signalhub.indexing.aws.it;

import io.signalhub.indexing.aws.AwsEndpoints;
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

  @Override
  void notifyOnManifests(PipelineHarness harness) {
    EmbeddedServices.notifyFor(harness.settings.bucket());
  }
}
