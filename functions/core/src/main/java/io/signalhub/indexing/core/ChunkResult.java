package io.signalhub.indexing.core;

import io.signalhub.indexing.core.chunk.Chunk;

/**
 * What became of one input chunk.
 *
 * @param ordinal 0-based position of the chunk in the input
 * @param chunk the chunk as embedded (truncated text if the oversize policy truncated it)
 * @param vector the embedding, or null if the chunk failed
 * @param failure why the chunk failed, or null
 * @param cached whether the vector came from the cache or an identical chunk of the same run
 */
public record ChunkResult(
    long ordinal, Chunk chunk, float[] vector, String failure, boolean cached) {

  public boolean succeeded() {
    return vector != null;
  }
}
