package io.signalhub.indexing.core.pipeline;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * A store that passes every call to another, for a test to change one of them. Ranges are {@link
 * BlobStore}'s default: the object streamed and cut.
 */
class ForwardingBlobStore implements BlobStore {
  private final BlobStore objects;

  ForwardingBlobStore(BlobStore objects) {
    this.objects = objects;
  }

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
}
