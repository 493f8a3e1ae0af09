package io.signalhub.indexing.aws.it;

import io.signalhub.indexing.aws.dynamodb.DynamoJobStore;
import io.signalhub.indexing.core.job.JobStore;
import io.signalhub.indexing.core.job.ShardLedgerContract;

/** The shard ledger contract on DynamoDB Local, a fresh jobs table per test. */
class DynamoShardLedgerIT extends ShardLedgerContract {

  @Override
  protected JobStore newStore() {
    return new DynamoJobStore(
        EmbeddedClients.aws().dynamo(), EmbeddedClients.freshTables("jobs").jobs());
  }
}
