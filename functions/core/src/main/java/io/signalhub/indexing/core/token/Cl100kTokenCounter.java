package io.signalhub.indexing.core.token;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.List;

/**
 * OpenAI's cl100k_base tokenizer (jtokkit), used by text-embedding-3-* and ada-002; also the
 * estimate for providers that publish no tokenizer.
 *
 * <p>Source code quotes special tokens ({@code <|endoftext|>} in any LLM codebase). jtokkit's
 * {@code countTokens} throws on them and OpenAI's embeddings endpoint answers them with a 500, so
 * texts are counted, and sent to OpenAI-compatible providers, as {@link #withoutSpecialTokens}.
 */
public final class Cl100kTokenCounter implements TokenCounter {

  private static final Encoding ENCODING =
      Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
  private static final Cl100kTokenCounter INSTANCE = new Cl100kTokenCounter();

  /** cl100k_base's special tokens, each sent as its name in plain angle brackets. */
  private static final List<String> SPECIAL_TOKENS =
      List.of("endoftext", "fim_prefix", "fim_middle", "fim_suffix", "endofprompt");

  private Cl100kTokenCounter() {}

  /**
   * The text with every special token, such as {@code <|endoftext|>}, written {@code <endoftext>}:
   * plain text to any tokenizer. Returns the text itself when it holds none.
   */
  public static String withoutSpecialTokens(String text) {
    if (!text.contains("<|")) {
      return text;
    }
    String plain = text;
    for (String name : SPECIAL_TOKENS) {
      plain = plain.replace("<|" + name + "|>", "<" + name + ">");
    }
    return plain;
  }

  public static Cl100kTokenCounter instance() {
    return INSTANCE;
  }

  @Override
  public int count(String text) {
    return countPiece(text);
  }

  @Override
  public int countPiece(String text) {
    return ENCODING.countTokensOrdinary(withoutSpecialTokens(text));
  }

  @Override
  public int specialTokensPerInput() {
    return 0;
  }

  @Override
  public String truncate(String text, int maxTokens) {
    String plain = withoutSpecialTokens(text);
    if (plain.equals(text)) {
      var encoded = ENCODING.encodeOrdinary(text, maxTokens);
      return encoded.isTruncated() ? ENCODING.decode(encoded.getTokens()) : text;
    }
    if (count(text) <= maxTokens) {
      return text;
    }
    // Rare (a long line quoting special tokens): the prefix must be the text's own, so search it.
    int fits = 0;
    int tooLong = text.length();
    while (tooLong - fits > 1) {
      int middle = (fits + tooLong) >>> 1;
      if (count(text.substring(0, middle)) <= maxTokens) {
        fits = middle;
      } else {
        tooLong = middle;
      }
    }
    if (fits > 0 && Character.isHighSurrogate(text.charAt(fits - 1))) {
      fits--;
    }
    return text.substring(0, fits);
  }

  @Override
  public String name() {
    return "cl100k_base";
  }
}
