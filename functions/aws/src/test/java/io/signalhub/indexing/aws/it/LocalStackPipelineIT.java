package io.signalhub.indexing.aws.it;

import io.signalhub.indexing.aws.AwsEndpoints;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The same contract on LocalStack in Docker. LocalStack sends real S3 notifications; they go to an
 * SQS queue this test drains into the event stream the contract reads. Skipped, with the reason in
 * the test report, where no Docker engine runs.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackPipelineIT extends PipelineContract {

  @Container
  static final LocalStackContainer LOCALSTACK =
      new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.4"))
          .withServices("s3", "sqs", "dynamodb");

  private static final BlockingQueue<String> EVENTS = new LinkedBlockingQueue<>();
  private static Thread eventPump;

  @BeforeAll
  static void pumpS3Notifications() {
    SqsClient sqs =
        SqsClient.builder()
            .endpointOverride(LOCALSTACK.getEndpoint())
            .region(Region.of(LOCALSTACK.getRegion()))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(
                        LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey())))
            .build();
    String queueUrl = sqs.createQueue(r -> r.queueName("s3-events")).queueUrl();
    eventPump =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                List<Message> messages =
                    sqs.receiveMessage(
                            r -> r.queueUrl(queueUrl).waitTimeSeconds(1).maxNumberOfMessages(10))
                        .messages();
                for (Message message : messages) {
                  EVENTS.add(message.body());
                  sqs.deleteMessage(
                      r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
                }
              }
            });
    eventPump.setDaemon(true);
    eventPump.start();
  }

  @AfterAll
  static void stopPump() {
    eventPump.interrupt();
  }

  @org.junit.jupiter.api.Test
  void theInitHookCreatedTheDefaultResources() {
    try (var pipeline =
        new io.signalhub.indexing.aws.AwsPipeline(
            io.signalhub.indexing.core.pipeline.PipelineSettings.from(key -> Optional.empty()),
            endpoints(),
            java.time.Clock.systemUTC())) {
      pipeline.s3().headBucket(r -> r.bucket("signal-hub-local"));
      pipeline.queueUrl("signal-hub-batches");
      pipeline.dynamo().describeTable(r -> r.tableName("signal-hub-jobs"));
    }
  }

  @Override
  AwsEndpoints endpoints() {
    System.setProperty("aws.accessKeyId", LOCALSTACK.getAccessKey());
    System.setProperty("aws.secretAccessKey", LOCALSTACK.getSecretKey());
    return new AwsEndpoints(
        LOCALSTACK.getRegion(),
        Optional.of(LOCALSTACK.getEndpoint()),
        Optional.of(LOCALSTACK.getEndpoint()),
        Optional.of(LOCALSTACK.getEndpoint()));
  }

  @Override
  BlockingQueue<String> s3Events() {
    return EVENTS;
  }

  @Override
  void notifyOnManifests(PipelineHarness harness) {
    String arn = "arn:aws:sqs:" + LOCALSTACK.getRegion() + ":000000000000:s3-events";
    harness
        .pipeline
        .s3()
        .putBucketNotificationConfiguration(
            r ->
                r.bucket(harness.settings.bucket())
                    .notificationConfiguration(
                        n ->
                            n.queueConfigurations(
                                q -> q.queueArn(arn).eventsWithStrings("s3:ObjectCreated:*"))));
  }
}
