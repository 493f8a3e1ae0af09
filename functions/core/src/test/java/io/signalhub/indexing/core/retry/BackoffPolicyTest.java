package io.signalhub.indexing.core.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffPolicyTest {

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  @Test
  void ceilingsDoubleFromTheInitialDelayUpToTheCap() {
    BackoffPolicy policy = new BackoffPolicy(ms(100), ms(5000), () -> 1.0);
    assertThat(IntStream.range(0, 9).mapToObj(policy::ceiling).map(Duration::toMillis))
        .containsExactly(100L, 200L, 400L, 800L, 1600L, 3200L, 5000L, 5000L, 5000L);
  }

  @Test
  void withoutJitterTheDelayIsTheCeiling() {
    BackoffPolicy policy = new BackoffPolicy(ms(1000), ms(60_000), () -> 1.0);
    assertThat(IntStream.range(0, 8).mapToObj(retry -> policy.delay(retry, null).toMillis()))
        .containsExactly(1000L, 2000L, 4000L, 8000L, 16000L, 32000L, 60000L, 60000L);
  }

  @Test
  void fullJitterScalesTheCeilingByTheRandomDraw() {
    assertThat(new BackoffPolicy(ms(1000), ms(60_000), () -> 0.25).delay(2, null))
        .isEqualTo(ms(1000));
    assertThat(new BackoffPolicy(ms(1000), ms(60_000), () -> 0.0).delay(5, null)).isEqualTo(ms(0));
  }

  @Test
  void retryAfterLongerThanTheBackoffIsHonoured() {
    BackoffPolicy policy = new BackoffPolicy(ms(100), ms(1000), () -> 1.0);
    assertThat(policy.delay(0, Duration.ofSeconds(7))).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void retryAfterShorterThanTheBackoffDoesNotShortenIt() {
    BackoffPolicy policy = new BackoffPolicy(ms(1000), ms(10_000), () -> 1.0);
    assertThat(policy.delay(3, ms(20))).isEqualTo(ms(8000));
  }

  @Test
  void hugeRetryCountsDoNotOverflow() {
    BackoffPolicy policy = new BackoffPolicy(ms(1000), ms(30_000), () -> 1.0);
    assertThat(policy.delay(200, null)).isEqualTo(ms(30_000));
  }

  @Test
  void rejectsACapBelowTheInitialDelay() {
    assertThatThrownBy(() -> new BackoffPolicy(ms(1000), ms(10), () -> 1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("initialDelay <= maxDelay");
  }
}
