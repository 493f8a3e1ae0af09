package io.signalhub.indexing.core.pipeline;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/** Objects by key: manifests, sources, batch payloads, vectors. S3 in production. */
public interface BlobStore {

  /** Size in bytes, or empty if there is no such object. */
  Optional<Long> size(String key);

  /** Streams an object. @throws BlobNotFoundException if it does not exist */
  InputStream open(String key);

  /** Reads an object whole. @throws BlobNotFoundException if it does not exist */
  byte[] read(String key);

  /** Writes an object, replacing any with the same key. */
  void put(String key, byte[] bytes);

  /** Keys under a prefix, in key order. */
  List<String> list(String prefix);

  /** Deletes the objects, if they exist. */
  void delete(List<String> keys);

  /** No object at that key. */
  final class BlobNotFoundException extends RuntimeException {
    public BlobNotFoundException(String key) {
      super("No object at key " + key);
    }
  }
}
