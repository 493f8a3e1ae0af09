package io.signalhub.indexing.core.pipeline;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** A {@link BlobStore} in memory, for unit tests. */
public final class InMemoryBlobStore implements BlobStore {

  private final ConcurrentSkipListMap<String, byte[]> objects = new ConcurrentSkipListMap<>();

  @Override
  public Optional<Long> size(String key) {
    return Optional.ofNullable(objects.get(key)).map(bytes -> (long) bytes.length);
  }

  @Override
  public InputStream open(String key) {
    return new ByteArrayInputStream(read(key));
  }

  @Override
  public InputStream open(String key, long from, long to) {
    byte[] bytes = read(key);
    int start = (int) Math.min(from, bytes.length);
    return new ByteArrayInputStream(bytes, start, (int) Math.min(to, bytes.length) - start);
  }

  @Override
  public byte[] read(String key) {
    byte[] bytes = objects.get(key);
    if (bytes == null) {
      throw new BlobNotFoundException(key);
    }
    return bytes.clone();
  }

  @Override
  public void put(String key, byte[] bytes) {
    objects.put(key, bytes.clone());
  }

  @Override
  public List<String> list(String prefix) {
    return objects.keySet().stream().filter(key -> key.startsWith(prefix)).toList();
  }

  @Override
  public void delete(List<String> keys) {
    keys.forEach(objects::remove);
  }
}
