package io.signalhub.indexing.core.quota;

import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.simulator.DenseCode;
import java.util.List;

/**
 * Chunks the size the chunker makes of dense code (close to its 512-token ceiling), so a default
 * batch of 100 holds about 48,000 tokens: more than a 40,000 tokens/min quota.
 */
final class QuotaCorpus {

  private QuotaCorpus() {}

  /** {@code count} distinct chunks of about {@code tokens} cl100k tokens each. */
  static List<Chunk> chunks(int count, int tokens) {
    return DenseCode.texts(count, tokens, 42).stream().map(Chunk::of).toList();
  }

  static long tokens(List<Chunk> chunks) {
    return chunks.stream().mapToLong(c -> DenseCode.tokens(c.text())).sum();
  }
}
