package io.signalhub.indexing.core;

import io.signalhub.indexing.core.progress.ProgressTracker;
import io.signalhub.indexing.core.provider.EmbeddingException;
import io.signalhub.indexing.core.provider.EmbeddingProvider;
import io.signalhub.indexing.core.provider.EmbeddingResponse;
import io.signalhub.indexing.core.ratelimit.RateLimiter;
import io.signalhub.indexing.core.retry.RetryingCaller;
import java.util.ArrayList;
import java.util.List;

/**
 * Embeds one batch: each request goes through the rate limiter and the retry guard, and a batch the
 * provider rejects for its content is split in halves until the bad inputs are isolated, so only
 * they fail.
 *
 * <p>Shared by the library ({@link BatchEmbeddingProcessor}) and the embedder function.
 */
public final class BatchEmbedder {

  /** One text to embed and its token count under the provider's tokenizer. */
  public record Input(String text, int tokens) {}

  /** A vector, or the reason this input failed for good. */
  public record Outcome(float[] vector, String failure) {
    public boolean succeeded() {
      return vector != null;
    }
  }

  private final EmbeddingProvider provider;
  private final RetryingCaller retrying;
  private final RateLimiter limiter;

  public BatchEmbedder(EmbeddingProvider provider, RetryingCaller retrying, RateLimiter limiter) {
    this.provider = provider;
    this.retrying = retrying;
    this.limiter = limiter;
  }

  public EmbeddingProvider provider() {
    return provider;
  }

  /**
   * One outcome per input, in input order.
   *
   * @throws EmbeddingException fatal failures, and retryable ones once retries are spent: the
   *     caller decides whether the batch is redelivered or counted failed
   */
  public List<Outcome> embed(List<Input> inputs, ProgressTracker tracker) {
    List<Outcome> outcomes = new ArrayList<>(inputs.size());
    embedInto(inputs, tracker, outcomes);
    return outcomes;
  }

  private void embedInto(List<Input> inputs, ProgressTracker tracker, List<Outcome> outcomes) {
    try {
      EmbeddingResponse response = call(inputs, tracker);
      for (float[] vector : response.vectors()) {
        outcomes.add(new Outcome(vector, null));
      }
    } catch (EmbeddingException e) {
      if (e.kind() != EmbeddingException.Kind.INPUT_REJECTED) {
        throw e;
      }
      if (inputs.size() == 1) {
        outcomes.add(new Outcome(null, e.getMessage()));
        return;
      }
      int half = inputs.size() / 2;
      embedInto(inputs.subList(0, half), tracker, outcomes);
      embedInto(inputs.subList(half, inputs.size()), tracker, outcomes);
    }
  }

  private EmbeddingResponse call(List<Input> inputs, ProgressTracker tracker) {
    List<String> texts = inputs.stream().map(Input::text).toList();
    long tokens = inputs.stream().mapToLong(Input::tokens).sum();
    int[] attempts = {0};
    return retrying.call(
        () -> {
          if (attempts[0]++ > 0) {
            tracker.retried();
          }
          try (RateLimiter.Permit permit = limiter.acquire(tokens)) {
            try {
              EmbeddingResponse response = provider.embed(texts);
              if (response.vectors().size() != texts.size()) {
                throw EmbeddingException.retryable(
                    "Provider returned %d vectors for %d inputs"
                        .formatted(response.vectors().size(), texts.size()),
                    null);
              }
              permit.succeeded(response.quota());
              tracker.apiCall(response.tokens());
              return response;
            } catch (EmbeddingException e) {
              tracker.failedApiCall();
              if (e.isThrottle()) {
                tracker.throttled();
                permit.throttled(e.retryAfter().orElse(null), e.quota());
              }
              throw e;
            }
          }
        });
  }
}
