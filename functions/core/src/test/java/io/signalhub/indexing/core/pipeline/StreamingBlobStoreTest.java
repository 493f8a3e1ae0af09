package io.signalhub.indexing.core.pipeline;

/** The {@link BlobStore} contract on a store that only streams: its ranges are the default's. */
class StreamingBlobStoreTest extends BlobStoreContract {

  @Override
  protected BlobStore newStore() {
    return new ForwardingBlobStore(new InMemoryBlobStore());
  }
}
