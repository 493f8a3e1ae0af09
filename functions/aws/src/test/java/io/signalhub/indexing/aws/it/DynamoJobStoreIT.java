package io.signalhub.indexing.aws.it;

import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.aws.dynamodb.DynamoJobStore;
import io.signalhub.indexing.aws.dynamodb.DynamoTables;
import io.signalhub.indexing.core.job.JobStore;
import io.signalhub.indexing.core.job.JobStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The {@link JobStore} contract on DynamoDB Local, a fresh jobs table per test. */
class DynamoJobStoreIT extends JobStoreContract {

  private static AwsPipeline aws;

  @BeforeAll
  static void connect() {
    aws = EmbeddedClients.open();
  }

  @AfterAll
  static void disconnect() {
    aws.close();
  }

  @Override
  protected JobStore newStore() {
    String table = EmbeddedClients.unique("jobs");
    DynamoTables.createAll(aws.dynamo(), table, table + "-cache", table + "-rate");
    return new DynamoJobStore(aws.dynamo(), table);
  }
}
