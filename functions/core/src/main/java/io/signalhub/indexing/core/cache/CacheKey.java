package io.signalhub.indexing.core.cache;

import io.signalhub.indexing.core.chunk.Chunk;

/** Content address of an embedding: SHA-256 over model, dimensions and text. */
public final class CacheKey {

  private CacheKey() {}

  public static String of(String model, int dimensions, String text) {
    return Chunk.sha256(model + '\u0000' + dimensions + '\u0000' + text);
  }
}
