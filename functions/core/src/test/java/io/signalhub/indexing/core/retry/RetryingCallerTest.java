package io.signalhub.indexing.core.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.signalhub.indexing.core.MutableClock;
import io.signalhub.indexing.core.provider.EmbeddingException;
import io.signalhub.indexing.core.provider.EmbeddingResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class RetryingCallerTest {

  private final MutableClock clock = new MutableClock();
  private final BackoffPolicy noJitter =
      new BackoffPolicy(Duration.ofMillis(100), Duration.ofSeconds(10), () -> 1.0);
  private static final EmbeddingResponse OK =
      new EmbeddingResponse(List.of(new float[] {1}), 1, null);

  /** Attempts made by the provider of {@link #callFailingWith}. */
  private final AtomicInteger attempts = new AtomicInteger();

  /** Calls a provider whose every attempt fails with a new {@code failure}; counts its attempts. */
  private AbstractThrowableAssert<?, ? extends Throwable> callFailingWith(
      RetryingCaller caller, Supplier<EmbeddingException> failure) {
    return assertThatThrownBy(
        () ->
            caller.call(
                () -> {
                  attempts.incrementAndGet();
                  throw failure.get();
                }));
  }

  private static EmbeddingException throttled(Duration retryAfter) {
    return new EmbeddingException(
        EmbeddingException.Kind.RETRYABLE, 429, "slow down", retryAfter, null, null);
  }

  private static EmbeddingException serverError() {
    return new EmbeddingException(EmbeddingException.Kind.RETRYABLE, 503, "busy", null, null, null);
  }

  @Test
  void retriesRetryableFailuresWaitingWhatThePolicySays() {
    Deque<RuntimeException> failures =
        new ArrayDeque<>(List.of(throttled(Duration.ofSeconds(2)), serverError(), serverError()));
    RetryingCaller caller = new RetryingCaller(3, noJitter, clock.sleeper());

    EmbeddingResponse response =
        caller.call(
            () -> {
              if (!failures.isEmpty()) {
                throw failures.pop();
              }
              return OK;
            });

    assertThat(response).isSameAs(OK);
    // first retry honours Retry-After (2 s > 100 ms), then 200 ms and 400 ms ceilings
    assertThat(clock.sleeps())
        .containsExactly(Duration.ofSeconds(2), Duration.ofMillis(200), Duration.ofMillis(400));
  }

  @Test
  void givesUpAfterMaxRetriesWithTheLastFailure() {
    RetryingCaller caller = new RetryingCaller(2, noJitter, clock.sleeper());

    callFailingWith(caller, RetryingCallerTest::serverError)
        .isInstanceOf(EmbeddingException.class)
        .hasMessage("busy");
    assertThat(attempts).hasValue(3);
    assertThat(clock.sleeps()).hasSize(2);
  }

  @Test
  void doesNotRetryRejectedInputOrFatalErrors() {
    RetryingCaller caller = new RetryingCaller(5, noJitter, clock.sleeper());

    callFailingWith(caller, () -> EmbeddingException.inputRejected(400, "bad input"))
        .hasMessage("bad input");
    callFailingWith(caller, () -> EmbeddingException.fatal("bad key")).hasMessage("bad key");
    assertThat(attempts).hasValue(2);
    assertThat(clock.sleeps()).isEmpty();
  }

  @Test
  void eachCallStartsItsBackoffAfresh() {
    RetryingCaller caller = new RetryingCaller(1, noJitter, clock.sleeper());
    for (int call = 0; call < 2; call++) {
      AtomicInteger callAttempts = new AtomicInteger();
      caller.call(
          () -> {
            if (callAttempts.getAndIncrement() == 0) {
              throw serverError();
            }
            return OK;
          });
    }
    assertThat(clock.sleeps()).containsExactly(Duration.ofMillis(100), Duration.ofMillis(100));
  }
}
