package io.signalhub.indexing.aws.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.signalhub.indexing.aws.AwsEndpoints;
import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.aws.AwsResources;
import io.signalhub.indexing.core.pipeline.PipelineSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * For a function's {@code @QuarkusTest}: the embedded AWS services with the default resources
 * created, reached through the standard {@code AWS_ENDPOINT_URL_*} settings, as a deployed function
 * reaches AWS.
 */
public class EmbeddedAwsTestResource implements QuarkusTestResourceLifecycleManager {

  @Override
  public Map<String, String> start() {
    AwsEndpoints endpoints = EmbeddedServices.endpoints();
    System.setProperty("AWS_ENDPOINT_URL_S3", endpoints.s3().orElseThrow().toString());
    System.setProperty("AWS_ENDPOINT_URL_SQS", endpoints.sqs().orElseThrow().toString());
    System.setProperty("AWS_ENDPOINT_URL_DYNAMODB", endpoints.dynamodb().orElseThrow().toString());
    PipelineSettings settings = PipelineSettings.from(key -> java.util.Optional.empty());
    try (AwsPipeline pipeline = new AwsPipeline(settings, endpoints, Clock.systemUTC())) {
      AwsResources.createAll(pipeline, Duration.ofSeconds(1));
      // a function package may leave the local model's weights out and read them from the bucket
      java.nio.file.Path weights = java.nio.file.Path.of("target/model/all-minilm-l6-v2-q.onnx");
      if (java.nio.file.Files.exists(weights)) {
        pipeline
            .blobs()
            .put("models/all-minilm-l6-v2-q.onnx", java.nio.file.Files.readAllBytes(weights));
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return Map.of();
  }

  @Override
  public void stop() {
    // the services live as long as the test JVM
  }
}
