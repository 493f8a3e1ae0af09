package io.signalhub.indexing.aws;

import io.signalhub.indexing.aws.dynamodb.DynamoTables;
import io.signalhub.indexing.core.pipeline.PipelineSettings;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Creates the bucket, queues and tables the pipeline uses, as the CDK stack declares them (batch
 * queue with its DLQ redrive, continuation queue redriving to the fan-out failure queue, three
 * tables). For the local stack and the integration tests; in AWS, CloudFormation owns them.
 */
public final class AwsResources {

  private AwsResources() {}

  public static void createAll(AwsPipeline pipeline, Duration visibilityTimeout) {
    PipelineSettings settings = pipeline.settings();
    try {
      pipeline.s3().createBucket(r -> r.bucket(settings.bucket()));
    } catch (BucketAlreadyOwnedByYouException exists) {
      // a restart with --data-dir
    } catch (S3Exception e) {
      if (e.statusCode() != 409) {
        throw e;
      }
    }
    DynamoTables.createAll(
        pipeline.dynamo(), settings.jobsTable(), settings.cacheTable(), settings.rateTable());
    createQueue(
        pipeline,
        settings.batchQueue(),
        visibilityTimeout,
        settings.deadLetterQueue(),
        settings.maxReceiveCount());
    createQueue(
        pipeline,
        settings.continuationQueue(),
        visibilityTimeout,
        settings.fanOutFailureQueue(),
        settings.fanOutAttempts());
  }

  /** A queue whose messages move to {@code deadLetters} after {@code maxReceiveCount} receives. */
  private static void createQueue(
      AwsPipeline pipeline,
      String name,
      Duration visibilityTimeout,
      String deadLetters,
      int maxReceiveCount) {
    var sqs = pipeline.sqs();
    String dlqUrl = sqs.createQueue(r -> r.queueName(deadLetters)).queueUrl();
    String dlqArn =
        sqs.getQueueAttributes(r -> r.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    String redrive =
        "{\"deadLetterTargetArn\":\""
            + dlqArn
            + "\",\"maxReceiveCount\":\""
            + maxReceiveCount
            + "\"}";
    sqs.createQueue(
        r ->
            r.queueName(name)
                .attributes(
                    Map.of(
                        QueueAttributeName.VISIBILITY_TIMEOUT,
                        Long.toString(visibilityTimeout.toSeconds()),
                        QueueAttributeName.REDRIVE_POLICY,
                        redrive)));
  }
}
