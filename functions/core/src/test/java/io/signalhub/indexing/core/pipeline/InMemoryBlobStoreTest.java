package io.signalhub.indexing.core.pipeline;

/** The {@link BlobStore} contract on the in-memory store. */
class InMemoryBlobStoreTest extends BlobStoreContract {

  @Override
  protected BlobStore newStore() {
    return new InMemoryBlobStore();
  }
}
