package io.signalhub.indexing.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.aws.lambda.FanOutFailureLogic;
import io.signalhub.indexing.core.manifest.ManifestWriter;
import io.signalhub.indexing.core.pipeline.BatchMessage;
import io.signalhub.indexing.core.pipeline.Keys;
import io.signalhub.indexing.core.provider.LocalMiniLmModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** The events {@link ColdStart} hands each function, for small jobs seeded on the services. */
final class ColdStartEvents {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ColdStartEvents() {}

  /**
   * The event the function is deployed to receive, for a job seeded on the services.
   *
   * @param fannedOut a job the fan-out measured before (the status function reads it)
   */
  static String event(ColdStart.Spec spec, AwsPipeline pipeline, String job, String fannedOut)
      throws IOException {
    String manifestKey = seed(pipeline, job);
    return switch (spec.handler() == null ? "status" : spec.handler()) {
      case "fanout" -> s3Event(pipeline, manifestKey);
      case "fanout-continuation" -> sqsEvent(manifestKey);
      case "fanout-failed" ->
          sqsEvent(
              FanOutFailureLogic.destinationRecord(
                  s3Event(pipeline, manifestKey),
                  "arn:aws:lambda:us-east-1:000000000000:function:fanout:live",
                  3,
                  new IllegalStateException("measured"),
                  Instant.now()));
      case "embed", "dead-letter" -> sqsEvent(batchMessage(pipeline, manifestKey));
      default -> statusEvent(fannedOut);
    };
  }

  /** Uploads a small job (sources and manifest); returns the manifest key. */
  private static String seed(AwsPipeline pipeline, String job) {
    ManifestWriter manifest = new ManifestWriter(job, "sources/" + job + "/");
    for (int i = 0; i < 20; i++) {
      byte[] bytes =
          // unique per job: a cache hit would leave nothing to embed
          ("def handler_%d(event):\n    \"\"\"Handles event %d of %s.\"\"\"\n    return event.get('id', %d)\n"
                  .formatted(i, i, job, i))
              .getBytes(StandardCharsets.UTF_8);
      String path = "app/handler_" + i + ".py";
      pipeline.blobs().put("sources/" + job + "/" + path, bytes);
      manifest.file(path, bytes);
    }
    pipeline.blobs().put(Keys.manifest(job), manifest.toBytes());
    return Keys.manifest(job);
  }

  /** Fans the job out here (local model's profile) and takes its first batch message. */
  private static String batchMessage(AwsPipeline pipeline, String manifestKey) {
    pipeline.fanOut(LocalMiniLmModel.profile()).fanOut(manifestKey, Instant.MAX);
    String queue = pipeline.queueUrl(pipeline.settings().batchQueue());
    var messages =
        pipeline.sqs().receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(1)).messages();
    BatchMessage.parse(messages.get(0).body());
    pipeline.sqs().purgeQueue(r -> r.queueUrl(queue));
    return messages.get(0).body();
  }

  private static String s3Event(AwsPipeline pipeline, String key) {
    return "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"awsRegion\":\"us-east-1\",\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"s3SchemaVersion\":\"1.0\",\"bucket\":{\"name\":\"%s\",\"arn\":\"arn:aws:s3:::%s\"},\"object\":{\"key\":\"%s\",\"size\":1}}}]}"
        .formatted(pipeline.settings().bucket(), pipeline.settings().bucket(), key);
  }

  private static String sqsEvent(String body) throws IOException {
    return "{\"Records\":[{\"messageId\":\"m-1\",\"receiptHandle\":\"r-1\",\"body\":%s,\"attributes\":{\"ApproximateReceiveCount\":\"1\"},\"messageAttributes\":{},\"eventSource\":\"aws:sqs\",\"eventSourceARN\":\"arn:aws:sqs:us-east-1:000000000000:q\",\"awsRegion\":\"us-east-1\"}]}"
        .formatted(JSON.writeValueAsString(body));
  }

  private static String statusEvent(String job) {
    return "{\"version\":\"2.0\",\"routeKey\":\"GET /jobs/{id}\",\"rawPath\":\"/jobs/%s\",\"rawQueryString\":\"\",\"headers\":{\"accept\":\"application/json\"},\"requestContext\":{\"accountId\":\"000000000000\",\"apiId\":\"local\",\"http\":{\"method\":\"GET\",\"path\":\"/jobs/%s\",\"protocol\":\"HTTP/1.1\",\"sourceIp\":\"127.0.0.1\",\"userAgent\":\"cold-start\"},\"requestId\":\"r\",\"routeKey\":\"GET /jobs/{id}\",\"stage\":\"$default\",\"time\":\"24/Nov/2026:00:00:00 +0000\",\"timeEpoch\":0},\"pathParameters\":{\"id\":\"%s\"},\"isBase64Encoded\":false}"
        .formatted(job, job, job);
  }
}
