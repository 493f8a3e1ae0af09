package io.signalhub.indexing.core;

import io.signalhub.indexing.core.progress.ProgressTracker;
import io.signalhub.indexing.core.provider.EmbeddingException;
import io.signalhub.indexing.core.provider.EmbeddingProvider;
import io.signalhub.indexing.core.provider.EmbeddingResponse;
import io.signalhub.indexing.core.provider.QuotaSnapshot;
import io.signalhub.indexing.core.ratelimit.RateBudget;
import io.signalhub.indexing.core.ratelimit.RateLimiter;
import io.signalhub.indexing.core.retry.RetryingCaller;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The layer that calls the embedding provider, for one batch: each request goes through the rate
 * limiter and the retry guard, and a batch the provider rejects for its content is split in halves
 * until the bad inputs are isolated, so only they fail.
 *
 * <p>No request carries more tokens than the limiter's {@link RateLimiter#maxRequestTokens cap}
 * (the per-minute token quota, configured or learned): a batch above it is cut into requests that
 * fit, in order. A request the provider refuses as too large is not retried: the cap drops below it
 * (to the limit the provider named, else to half the request) for every later request, and the
 * batch is cut again. The outcomes stay one per input, so the caller accounts the batch once.
 *
 * <p>Shared by the library ({@link BatchEmbeddingProcessor}) and the embedder function's service
 * ({@code EmbedderService}).
 */
public final class ProviderCaller {

  /** One text to embed and its token count under the provider's tokenizer. */
  public record Input(String text, int tokens) {}

  /** A vector, or the reason this input failed for good. */
  public record Outcome(float[] vector, String failure) {
    public boolean succeeded() {
      return vector != null;
    }
  }

  /** Told how long each answered request took at the provider (rate-limit waits excluded). */
  @FunctionalInterface
  public interface AnswerListener {
    void answered(int inputs, long tokens, Duration latency);

    AnswerListener NONE = (inputs, tokens, latency) -> {};
  }

  private final EmbeddingProvider provider;
  private final RetryingCaller retrying;
  private final RateLimiter limiter;
  private final Clock clock;
  private final AnswerListener listener;

  public ProviderCaller(EmbeddingProvider provider, RetryingCaller retrying, RateLimiter limiter) {
    this(provider, retrying, limiter, Clock.systemUTC(), AnswerListener.NONE);
  }

  ProviderCaller(
      EmbeddingProvider provider,
      RetryingCaller retrying,
      RateLimiter limiter,
      Clock clock,
      AnswerListener listener) {
    this.provider = provider;
    this.retrying = retrying;
    this.limiter = limiter;
    this.clock = clock;
    this.listener = listener;
  }

  /**
   * The wiring the library and the embedder function share: the provider behind retries with
   * exponential backoff and full jitter, and an adaptive rate limiter over a rate budget.
   */
  public static Builder builder(EmbeddingProvider provider) {
    return new Builder(provider);
  }

  public EmbeddingProvider provider() {
    return provider;
  }

  /** The most tokens one request may carry now (the quota's cap; {@link Long#MAX_VALUE}: none). */
  public long requestTokenCap() {
    return limiter.maxRequestTokens();
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
    long cap = limiter.maxRequestTokens();
    if (inputs.size() > 1 && tokens(inputs) > cap) {
      for (List<Input> part : cut(inputs, cap)) {
        embedInto(part, tracker, outcomes);
      }
      return;
    }
    try {
      EmbeddingResponse response = call(inputs, tracker);
      for (float[] vector : response.vectors()) {
        outcomes.add(new Outcome(vector, null));
      }
    } catch (EmbeddingException e) {
      if (e.kind() == EmbeddingException.Kind.TOO_LARGE) {
        long requested = tokens(inputs);
        if (inputs.size() == 1) {
          outcomes.add(
              new Outcome(
                  null,
                  "a single input of %d tokens is more than the provider accepts in one request: %s"
                      .formatted(requested, e.getMessage())));
        } else {
          embedInto(inputs, tracker, outcomes);
        }
        return;
      }
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

  /**
   * The cap after a "too large" answer, in our tokenizer's counts: the provider's limit (scaled by
   * how its count of this request compares with ours, and spendable as a budget spends it), else
   * half the request; always below what was refused, so cutting again makes progress.
   */
  static long capBelow(EmbeddingException tooLarge, long requested) {
    long cap;
    if (tooLarge.acceptedTokens() > 0) {
      cap = RateBudget.spendable(tooLarge.acceptedTokens());
      if (tooLarge.requestedTokens() > 0) {
        cap = cap * requested / tooLarge.requestedTokens();
      }
    } else {
      cap = requested / 2;
    }
    return Math.max(1, Math.min(cap, requested - 1));
  }

  /** Consecutive runs of inputs, each within {@code cap} tokens (an input above it goes alone). */
  static List<List<Input>> cut(List<Input> inputs, long cap) {
    List<List<Input>> parts = new ArrayList<>();
    int from = 0;
    long sum = 0;
    for (int i = 0; i < inputs.size(); i++) {
      long next = inputs.get(i).tokens();
      if (i > from && sum + next > cap) {
        parts.add(inputs.subList(from, i));
        from = i;
        sum = 0;
      }
      sum += next;
    }
    parts.add(inputs.subList(from, inputs.size()));
    return parts;
  }

  private static long tokens(List<Input> inputs) {
    return inputs.stream().mapToLong(Input::tokens).sum();
  }

  private EmbeddingResponse call(List<Input> inputs, ProgressTracker tracker) {
    List<String> texts = inputs.stream().map(Input::text).toList();
    long tokens = tokens(inputs);
    int[] attempts = {0};
    return retrying.call(
        () -> {
          if (attempts[0]++ > 0) {
            tracker.retried();
          }
          try (RateLimiter.Permit permit = limiter.acquire(tokens)) {
            if (texts.size() > 1 && tokens > limiter.maxRequestTokens()) {
              // the cap dropped while this request waited for its turn: cut it again
              permit.refused(QuotaSnapshot.UNKNOWN);
              throw EmbeddingException.tooLarge(
                  0, "over the request cap learned while waiting", -1, -1, null);
            }
            try {
              long sent = clock.millis();
              EmbeddingResponse response = provider.embed(texts);
              listener.answered(
                  texts.size(), tokens, Duration.ofMillis(Math.max(0, clock.millis() - sent)));
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
              } else if (e.kind() == EmbeddingException.Kind.TOO_LARGE) {
                // the cap first: the refused permit lets waiting requests go, and they must see it
                limiter.capRequestTokens(capBelow(e, tokens));
                permit.refused(e.quota());
              }
              throw e;
            }
          }
        });
  }

  /** Retries, backoff, the limiter and its budget; defaults are the library's. */
  public static final class Builder extends ProviderCallOptions<Builder> {
    private final EmbeddingProvider provider;
    private RateBudget budget = RateBudget.unlimited();
    private int maxConcurrency = 5;
    private AnswerListener listener = AnswerListener.NONE;

    private Builder(EmbeddingProvider provider) {
      this.provider = required(provider, "provider");
    }

    /** The requests/min and tokens/min budget the limiter draws from; default unlimited. */
    public Builder budget(RateBudget value) {
      budget = required(value, "budget");
      return this;
    }

    /** The adaptive limiter's ceiling on requests in flight; default 5. */
    public Builder maxConcurrency(int value) {
      maxConcurrency = value;
      return this;
    }

    public Builder answerListener(AnswerListener value) {
      listener = required(value, "answerListener");
      return this;
    }

    public ProviderCaller build() {
      return caller(provider, budget, maxConcurrency, listener);
    }
  }
}
