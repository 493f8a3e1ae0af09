package io.signalhub.indexing.core.pipeline;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/** The {@link BlobStore} contract on a store that only streams: its ranges are the default's. */
class StreamingBlobStoreTest extends BlobStoreContract {

  @Override
  protected BlobStore newStore() {
    InMemoryBlobStore objects = new InMemoryBlobStore();
    return new BlobStore() {
      @Override
      public Optional<Long> size(String key) {
        return objects.size(key);
      }

      @Override
      public InputStream open(String key) {
        return objects.open(key);
      }

      @Override
      public byte[] read(String key) {
        return objects.read(key);
      }

      @Override
      public void put(String key, byte[] bytes) {
        objects.put(key, bytes);
      }

      @Override
      public List<String> list(String prefix) {
        return objects.list(prefix);
      }

      @Override
      public void delete(List<String> keys) {
        objects.delete(keys);
      }
    };
  }
}
