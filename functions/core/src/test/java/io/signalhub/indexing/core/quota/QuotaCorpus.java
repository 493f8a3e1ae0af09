package io.signalhub.indexing.core.quota;

import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.core.token.Cl100kTokenCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Chunks the size the chunker makes of dense code (close to its 512-token ceiling), so a default
 * batch of 100 holds about 48,000 tokens: more than a 40,000 tokens/min quota.
 */
public final class QuotaCorpus {

  private static final String[] WORDS = {
    "public", "final", "class", "return", "value", "index", "batch", "token", "quota", "limit",
    "request", "provider", "vector", "chunk", "embed", "split", "retry", "budget", "minute", "cache"
  };

  private QuotaCorpus() {}

  /** {@code count} distinct chunks of about {@code tokens} cl100k tokens each. */
  public static List<Chunk> chunks(int count, int tokens) {
    Random random = new Random(42);
    List<Chunk> chunks = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      StringBuilder text = new StringBuilder("// chunk ").append(i).append('\n');
      while (Cl100kTokenCounter.instance().count(text.toString()) < tokens - 8) {
        text.append(WORDS[random.nextInt(WORDS.length)]).append(i % 7 == 0 ? ";\n" : " ");
      }
      chunks.add(Chunk.of(text.toString()));
    }
    return chunks;
  }

  public static long tokens(List<Chunk> chunks) {
    return chunks.stream().mapToLong(c -> Cl100kTokenCounter.instance().count(c.text())).sum();
  }
}
