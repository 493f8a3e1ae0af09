package io.signalhub.indexing.core.token;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The WordPiece tokenizer of a BERT-style model (all-MiniLM-L6-v2), loaded from the model jar. The
 * model truncates silently at 128 wordpieces, so exact counts matter.
 */
public final class WordPieceTokenCounter implements TokenCounter {

  private final HuggingFaceTokenizer tokenizer;
  private final String name;

  private WordPieceTokenCounter(HuggingFaceTokenizer tokenizer, String name) {
    this.tokenizer = tokenizer;
    this.name = name;
  }

  /** Loads {@code tokenizer.json} from the class path (the model jars ship it). */
  public static WordPieceTokenCounter fromClasspath(String resource) {
    try (InputStream in =
        WordPieceTokenCounter.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Tokenizer " + resource + " is not on the class path");
      }
      Map<String, String> options =
          Map.of("truncation", "false", "padding", "false", "modelMaxLength", "1000000");
      return new WordPieceTokenCounter(HuggingFaceTokenizer.newInstance(in, options), resource);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot load tokenizer " + resource, e);
    }
  }

  @Override
  public int count(String text) {
    return countPiece(text) + specialTokensPerInput();
  }

  @Override
  public int countPiece(String text) {
    return tokenizer.encode(text, false, false).getIds().length;
  }

  @Override
  public int specialTokensPerInput() {
    return 2;
  }

  @Override
  public String truncate(String text, int maxTokens) {
    int keep = maxTokens - specialTokensPerInput();
    Encoding encoding = tokenizer.encode(text, false, false);
    if (encoding.getIds().length <= keep) {
      return text;
    }
    if (keep <= 0) {
      return "";
    }
    CharSpan[] spans = encoding.getCharTokenSpans();
    for (int i = keep - 1; i >= 0; i--) {
      if (spans[i] != null) {
        return text.substring(0, spans[i].getEnd());
      }
    }
    return "";
  }

  @Override
  public String name() {
    return "wordpiece:" + name;
  }
}
