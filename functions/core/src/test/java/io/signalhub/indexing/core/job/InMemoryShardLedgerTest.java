package io.signalhub.indexing.core.job;

/** The {@link ShardLedger} contract on the in-memory store. */
class InMemoryShardLedgerTest extends ShardLedgerContract {

  @Override
  protected JobStore newStore() {
    return new InMemoryJobStore();
  }
}
