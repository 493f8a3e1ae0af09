package io.signalhub.indexing.core.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RateLimitHeadersTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  @ParameterizedTest
  @CsvSource({"1s,1000", "6m0s,360000", "20ms,20", "1h2m3.5s,3723500", "0.5s,500", "17ms,17"})
  void parsesOpenAiResetDurations(String text, long millis) {
    assertThat(RateLimitHeaders.parseDuration(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @CsvSource({"soon", "1x", "''", "s1"})
  void rejectsWhatIsNotADuration(String text) {
    assertThat(RateLimitHeaders.parseDuration(text)).isNull();
  }

  private static Optional<Duration> retryAfter(Map<String, String> headers) {
    return RateLimitHeaders.retryAfter(name -> Optional.ofNullable(headers.get(name)), CLOCK);
  }

  @Test
  void retryAfterSecondsAndMillisTakeTheLonger() {
    assertThat(retryAfter(Map.of("retry-after", "2", "retry-after-ms", "2500")))
        .contains(Duration.ofMillis(2500));
    assertThat(retryAfter(Map.of("retry-after", "3"))).contains(Duration.ofSeconds(3));
  }

  @Test
  void retryAfterAsAnHttpDate() {
    assertThat(retryAfter(Map.of("retry-after", "Thu, 01 Jan 2026 00:00:42 GMT")))
        .contains(Duration.ofSeconds(42));
  }

  @Test
  void withoutRetryAfterTheExhaustedBudgetsResetIsTheWait() {
    assertThat(
            retryAfter(
                Map.of(
                    "x-ratelimit-remaining-requests", "12",
                    "x-ratelimit-reset-requests", "1s",
                    "x-ratelimit-remaining-tokens", "0",
                    "x-ratelimit-reset-tokens", "6m0s")))
        .contains(Duration.ofMinutes(6));
    assertThat(retryAfter(Map.of())).isEmpty();
  }
}
