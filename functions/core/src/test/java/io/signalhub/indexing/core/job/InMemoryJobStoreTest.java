package io.signalhub.indexing.core.job;

/** The {@link JobStore} contract on the in-memory store. */
class InMemoryJobStoreTest extends JobStoreContract {

  @Override
  protected JobStore newStore() {
    return new InMemoryJobStore();
  }
}
