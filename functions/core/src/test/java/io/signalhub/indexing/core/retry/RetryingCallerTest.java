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
import org.junit.jupiter.api.Test;

class RetryingCallerTest {

  private final MutableClock clock = new MutableClock();
  private final BackoffPolicy noJitter =
      new BackoffPolicy(Duration.ofMillis(100), Duration.ofSeconds(10), () -> 1.0);
  private static final EmbeddingResponse OK =
      new EmbeddingResponse(List.of(new float[] {1}), 1, null);

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
    AtomicInteger attempts = new AtomicInteger();
    RetryingCaller caller = new RetryingCaller(2, noJitter, clock.sleeper());

    assertThatThrownBy(
            () ->
                caller.call(
                    () -> {
                      attempts.incrementAndGet();
                      throw serverError();
                    }))
        .isInstanceOf(EmbeddingException.class)
        .hasMessage("busy");
    assertThat(attempts).hasValue(3);
    assertThat(clock.sleeps()).hasSize(2);
  }

  @Test
  void doesNotRetryRejectedInputOrFatalErrors() {
    AtomicInteger attempts = new AtomicInteger();
    RetryingCaller caller = new RetryingCaller(5, noJitter, clock.sleeper());

    assertThatThrownBy(
            () ->
                caller.call(
                    () -> {
                      attempts.incrementAndGet();
                      throw EmbeddingException.inputRejected(400, "bad input");
                    }))
        .hasMessage("bad input");
    assertThatThrownBy(
            () ->
                caller.call(
                    () -> {
                      attempts.incrementAndGet();
                      throw EmbeddingException.fatal("bad key");
                    }))
        .hasMessage("bad key");
    assertThat(attempts).hasValue(2);
    assertThat(clock.sleeps()).isEmpty();
  }

  @Test
  void eachCallStartsItsBackoffAfresh() {
    RetryingCaller caller = new RetryingCaller(1, noJitter, clock.sleeper());
    for (int call = 0; call < 2; call++) {
      AtomicInteger attempts = new AtomicInteger();
      caller.call(
          () -> {
            if (attempts.getAndIncrement() == 0) {
              throw serverError();
            }
            return OK;
          });
    }
    assertThat(clock.sleeps()).containsExactly(Duration.ofMillis(100), Duration.ofMillis(100));
  }
}
