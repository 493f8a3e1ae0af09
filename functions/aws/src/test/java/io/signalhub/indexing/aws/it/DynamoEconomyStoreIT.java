package io.signalhub.indexing.aws.it;

import io.signalhub.indexing.aws.dynamodb.DynamoEconomyStore;
import io.signalhub.indexing.core.economy.EconomyStore;
import io.signalhub.indexing.core.economy.EconomyStoreContract;

/** The {@link EconomyStore} contract on DynamoDB Local, in a fresh jobs table per test. */
class DynamoEconomyStoreIT extends EconomyStoreContract {

  @Override
  protected EconomyStore newStore() {
    return new DynamoEconomyStore(
        EmbeddedClients.aws().dynamo(), EmbeddedClients.freshTables("economy").jobs());
  }
}
