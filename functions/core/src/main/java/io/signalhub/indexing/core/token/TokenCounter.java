package io.signalhub.indexing.core.token;

/**
 * Counts tokens the way a model's own tokenizer does, so chunks and batches are sized against the
 * limits the provider really enforces.
 */
public interface TokenCounter {

  /** Tokens the model sees for this text, including any special tokens it adds per input. */
  int count(String text);

  /** Tokens of this text alone, without per-input special tokens; additive across pieces. */
  int countPiece(String text);

  /**
   * Tokens the model adds to every input (for BERT-style models, {@code [CLS]} and {@code [SEP]}).
   */
  int specialTokensPerInput();

  /** The longest prefix of {@code text} whose {@link #count} is at most {@code maxTokens}. */
  String truncate(String text, int maxTokens);

  /** The tokenizer's name, for reports. */
  String name();
}
