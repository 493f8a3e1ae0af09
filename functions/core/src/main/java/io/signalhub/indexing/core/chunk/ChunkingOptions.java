package io.signalhub.indexing.core.chunk;

/**
 * How files are cut into chunks.
 *
 * @param maxTokens most tokens per chunk, counted as the model sees them; never above the model's
 *     per-input limit
 * @param maxChars most characters per chunk (some providers limit characters, not tokens)
 * @param overlapLines lines repeated at the start of the next chunk, for context across a cut
 */
public record ChunkingOptions(int maxTokens, int maxChars, int overlapLines) {

  /** Chunk size when not configured: 512 tokens, or the model's limit if lower. */
  public static final int DEFAULT_CHUNK_TOKENS = 512;

  /**
   * Options for a provider: chunks as large as requested (default {@value #DEFAULT_CHUNK_TOKENS}
   * tokens) but never above what one input may hold.
   */
  public static ChunkingOptions forProvider(
      io.signalhub.indexing.core.batch.ProviderLimits limits, int chunkTokens, int overlapLines) {
    int requested = chunkTokens > 0 ? chunkTokens : DEFAULT_CHUNK_TOKENS;
    return new ChunkingOptions(
        Math.min(requested, limits.maxTokensPerInput()),
        Math.min(limits.maxCharsPerInput(), 1 << 20),
        overlapLines);
  }

  public ChunkingOptions {
    if (maxTokens < 8) {
      throw new IllegalArgumentException("maxTokens must be at least 8, was " + maxTokens);
    }
    if (maxChars < 64) {
      throw new IllegalArgumentException("maxChars must be at least 64, was " + maxChars);
    }
    if (overlapLines < 0) {
      throw new IllegalArgumentException("overlapLines must be >= 0, was " + overlapLines);
    }
  }
}
