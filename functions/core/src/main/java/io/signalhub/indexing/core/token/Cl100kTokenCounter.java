package io.signalhub.indexing.core.token;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;

/**
 * OpenAI's cl100k_base tokenizer (jtokkit), used by text-embedding-3-* and ada-002; also the
 * estimate for providers that publish no tokenizer.
 */
public final class Cl100kTokenCounter implements TokenCounter {

  private static final Encoding ENCODING =
      Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
  private static final Cl100kTokenCounter INSTANCE = new Cl100kTokenCounter();

  private Cl100kTokenCounter() {}

  public static Cl100kTokenCounter instance() {
    return INSTANCE;
  }

  @Override
  public int count(String text) {
    return ENCODING.countTokens(text);
  }

  @Override
  public int countPiece(String text) {
    return ENCODING.countTokens(text);
  }

  @Override
  public int specialTokensPerInput() {
    return 0;
  }

  @Override
  public String truncate(String text, int maxTokens) {
    var encoded = ENCODING.encode(text, maxTokens);
    return encoded.isTruncated() ? ENCODING.decode(encoded.getTokens()) : text;
  }

  @Override
  public String name() {
    return "cl100k_base";
  }
}
