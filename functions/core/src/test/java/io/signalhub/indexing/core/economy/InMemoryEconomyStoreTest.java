package io.signalhub.indexing.core.economy;

class InMemoryEconomyStoreTest extends EconomyStoreContract {
  @Override
  protected EconomyStore newStore() {
    return new InMemoryEconomyStore();
  }
}
