package io.signalhub.indexing.aws.it;

import io.signalhub.indexing.aws.dynamodb.DynamoJobStore;
import io.signalhub.indexing.core.job.JobStore;
import io.signalhub.indexing.core.job.JobStoreContract;

/** The {@link JobStore} contract on DynamoDB Local, a fresh jobs table per test. */
class DynamoJobStoreIT extends JobStoreContract {

  @Override
  protected JobStore newStore() {
    return new DynamoJobStore(
        EmbeddedClients.aws().dynamo(), EmbeddedClients.freshTables("jobs").jobs());
  }
}
