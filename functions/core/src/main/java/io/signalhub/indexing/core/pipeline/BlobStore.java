package io.signalhub.indexing.core.pipeline;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/** Objects by key: manifests, sources, batch payloads, vectors. S3 in production. */
public interface BlobStore {

  /** Size in bytes, or empty if there is no such object. */
  Optional<Long> size(String key);

  /** Streams an object. @throws BlobNotFoundException if it does not exist */
  InputStream open(String key);

  /**
   * Streams bytes {@code [from, to)} of an object (to its end if it is shorter). @throws
   * BlobNotFoundException if it does not exist
   */
  default InputStream open(String key, long from, long to) {
    InputStream whole = open(key);
    try {
      whole.skipNBytes(from);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new BoundedInputStream(whole, to - from);
  }

  /** Reads an object whole. @throws BlobNotFoundException if it does not exist */
  byte[] read(String key);

  /** Writes an object, replacing any with the same key. */
  void put(String key, byte[] bytes);

  /** Keys under a prefix, in key order. */
  List<String> list(String prefix);

  /** Deletes the objects, if they exist. */
  void delete(List<String> keys);

  /** At most {@code limit} bytes of a stream. */
  final class BoundedInputStream extends FilterInputStream {
    private long left;

    public BoundedInputStream(InputStream in, long limit) {
      super(in);
      this.left = limit;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = super.read();
      left -= b < 0 ? 0 : 1;
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = super.read(buffer, offset, (int) Math.min(length, left));
      left -= Math.max(n, 0);
      return n;
    }
  }

  /** No object at that key. */
  final class BlobNotFoundException extends RuntimeException {
    public BlobNotFoundException(String key) {
      super("No object at key " + key);
    }
  }
}
