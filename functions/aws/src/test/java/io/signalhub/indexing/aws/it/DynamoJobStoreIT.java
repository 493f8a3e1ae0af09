package io.signalhub.indexing.aws.it;

import io.signalhub.indexing.aws.dynamodb.DynamoJobStore;
import io.signalhub.indexing.aws.dynamodb.DynamoTables;
import io.signalhub.indexing.core.job.JobStore;
import io.signalhub.indexing.core.job.JobStoreContract;

/** The {@link JobStore} contract on DynamoDB Local, a fresh jobs table per test. */
class DynamoJobStoreIT extends JobStoreContract {

  @Override
  protected JobStore newStore() {
    return freshStore();
  }

  /** A job store on a jobs table of its own. */
  static DynamoJobStore freshStore() {
    String table = EmbeddedClients.unique("jobs");
    DynamoTables.createAll(
        EmbeddedClients.aws().dynamo(), table, table + "-cache", table + "-rate");
    return new DynamoJobStore(EmbeddedClients.aws().dynamo(), table);
  }
}
