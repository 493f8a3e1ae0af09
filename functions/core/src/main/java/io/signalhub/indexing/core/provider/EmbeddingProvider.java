package io.signalhub.indexing.core.provider;

import io.signalhub.indexing.core.batch.ProviderLimits;
import io.signalhub.indexing.core.token.TokenCounter;
import java.util.List;

/**
 * An embedding API: one request embeds a list of inputs. Implementations match vectors to inputs by
 * the response's own index, report usage, and classify every failure as an {@link
 * EmbeddingException} of a {@link EmbeddingException.Kind}.
 */
public interface EmbeddingProvider extends AutoCloseable {

  /** Model id, part of every cache key. */
  String model();

  /** Vector length. */
  int dimensions();

  /** What one request may hold. */
  ProviderLimits limits();

  /** The model's own tokenizer, or the closest published one. */
  TokenCounter tokenCounter();

  /**
   * Embeds the inputs in one request.
   *
   * @return one vector per input, in input order, and the tokens billed
   * @throws EmbeddingException classified as retryable, input rejected, or fatal
   */
  EmbeddingResponse embed(List<String> inputs);

  @Override
  default void close() {}
}
