package io.signalhub.indexing.local.deployed;

import io.signalhub.indexing.local.services.EmbeddedAwsServices;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The stack's own clients of the embedded services, straight to each (not through the edge, so
 * creating the template's resources is not recorded as any function's call).
 */
record ServiceClients(S3Client s3, SqsClient sqs, DynamoDbClient dynamo) implements AutoCloseable {

  static ServiceClients of(EmbeddedAwsServices services) {
    AwsCredentialsProvider credentials = credentials("localstack", "localstack");
    return new ServiceClients(
        local(S3Client.builder().forcePathStyle(true), credentials, services.s3Endpoint()),
        local(SqsClient.builder(), credentials, services.sqsEndpoint()),
        local(DynamoDbClient.builder(), credentials, services.dynamoEndpoint()));
  }

  static AwsCredentialsProvider credentials(String accessKeyId, String secret) {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secret));
  }

  /** Any SDK client of a local endpoint: the stack's one region, these credentials. */
  static <B extends AwsClientBuilder<B, C>, C> C local(
      B builder, AwsCredentialsProvider credentials, URI endpoint) {
    return builder
        .region(Region.US_EAST_1)
        .credentialsProvider(credentials)
        .endpointOverride(endpoint)
        .build();
  }

  @Override
  public void close() {
    s3.close();
    sqs.close();
    dynamo.close();
  }
}
