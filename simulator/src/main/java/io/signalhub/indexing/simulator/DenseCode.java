package io.signalhub.indexing.simulator;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Distinct, deterministic texts of dense code-like lines, each about a given number of cl100k
 * tokens: the chunker cuts such files near its 512-token ceiling, so a default batch of 100 chunks
 * holds about 48,000 tokens (more than a 40,000 tokens/min quota). For tests and the benchmark.
 */
public final class DenseCode {

  private static final Encoding CL100K =
      Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
  private static final String[] WORDS = {
    "value", "index", "batch", "quota", "limit", "vector", "chunk", "split", "token", "retry"
  };

  private DenseCode() {}

  /** {@code count} texts of about {@code tokens} tokens each (lines of about 32 tokens). */
  public static List<String> texts(int count, int tokens, long seed) {
    Random random = new Random(seed);
    List<String> texts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      StringBuilder text = new StringBuilder();
      int line = 0;
      while (CL100K.countTokens(text.toString()) < tokens - 40) {
        text.append("    total_").append(i).append('_').append(line++).append(" =");
        for (int w = 0; w < 30; w++) {
          text.append(' ').append(WORDS[random.nextInt(WORDS.length)]);
        }
        text.append('\n');
      }
      texts.add(text.toString());
    }
    return texts;
  }

  /** cl100k tokens of a text, as the simulated provider counts them. */
  public static int tokens(String text) {
    return CL100K.countTokens(text);
  }
}
