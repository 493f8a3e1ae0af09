package io.signalhub.indexing.aws.it;

import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.aws.dynamodb.DynamoTables;
import io.signalhub.indexing.core.pipeline.PipelineSettings;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The AWS clients on the embedded services, for the ports' contract tests: one set per test JVM, as
 * the services are, each test making its own uniquely named table, queue or bucket.
 */
final class EmbeddedClients {

  private static AwsPipeline aws;

  private EmbeddedClients() {}

  static synchronized AwsPipeline aws() {
    if (aws == null) {
      aws =
          new AwsPipeline(
              PipelineSettings.from(key -> Optional.empty()),
              EmbeddedServices.endpoints(),
              Clock.systemUTC());
    }
    return aws;
  }

  /** A client of the embedded DynamoDB of its own, with {@code interceptor} on every call. */
  static DynamoDbClient dynamo(ExecutionInterceptor interceptor) {
    return DynamoDbClient.builder()
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .endpointOverride(EmbeddedServices.endpoints().dynamodb().orElseThrow())
        .overrideConfiguration(c -> c.addExecutionInterceptor(interceptor))
        .build();
  }

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A pipeline's three tables, named after one unique prefix. */
  record Tables(String jobs, String cache, String rate) {}

  /** Creates a fresh set of the pipeline's tables, for a test of one of them. */
  static Tables freshTables(String prefix) {
    String name = unique(prefix);
    Tables tables = new Tables(name + "-jobs", name + "-cache", name + "-rate");
    DynamoTables.createAll(aws().dynamo(), tables.jobs(), tables.cache(), tables.rate());
    return tables;
  }
}
