package io.signalhub.indexing.core.provider;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the rate-limit headers OpenAI-compatible APIs send: {@code Retry-After} (seconds or an HTTP
 * date), {@code retry-after-ms}, and {@code x-ratelimit-remaining-*} / {@code x-ratelimit-reset-*}
 * (durations like "1s", "6m0s", "20ms"). See
 * platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers.
 */
public final class RateLimitHeaders {

  private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

  private RateLimitHeaders() {}

  /** The wait the server asked for: the longest of the hints it gave. */
  public static Optional<Duration> retryAfter(
      Function<String, Optional<String>> header, Clock clock) {
    Duration wait = null;
    Optional<String> millis = header.apply("retry-after-ms");
    if (millis.isPresent()) {
      wait = parseMillis(millis.get());
    }
    Optional<String> retryAfter = header.apply("retry-after");
    if (retryAfter.isPresent()) {
      wait = longest(wait, parseRetryAfter(retryAfter.get(), clock));
    }
    if (wait == null) {
      // No explicit hint: wait for whichever exhausted budget resets (OpenAI sends both).
      wait = quota(header).exhaustedReset();
    }
    return Optional.ofNullable(wait);
  }

  public static QuotaSnapshot quota(Function<String, Optional<String>> header) {
    return new QuotaSnapshot(
        header.apply("x-ratelimit-remaining-requests").map(RateLimitHeaders::parseLong).orElse(-1L),
        header.apply("x-ratelimit-remaining-tokens").map(RateLimitHeaders::parseLong).orElse(-1L),
        header
            .apply("x-ratelimit-reset-requests")
            .map(RateLimitHeaders::parseDuration)
            .orElse(null),
        header.apply("x-ratelimit-reset-tokens").map(RateLimitHeaders::parseDuration).orElse(null),
        header.apply("x-ratelimit-limit-requests").map(RateLimitHeaders::parseLong).orElse(-1L),
        header.apply("x-ratelimit-limit-tokens").map(RateLimitHeaders::parseLong).orElse(-1L));
  }

  /** Parses "1s", "6m0s", "1h2m3.5s", "20ms"; null when the text is not such a duration. */
  public static Duration parseDuration(String text) {
    Matcher matcher = DURATION_PART.matcher(text.trim());
    double millis = 0;
    int matchedUpTo = 0;
    while (matcher.find()) {
      if (matcher.start() != matchedUpTo) {
        return null;
      }
      double value = Double.parseDouble(matcher.group(1));
      millis +=
          switch (matcher.group(2)) {
            case "h" -> value * 3_600_000;
            case "m" -> value * 60_000;
            case "s" -> value * 1000;
            default -> value;
          };
      matchedUpTo = matcher.end();
    }
    return matchedUpTo == text.trim().length() && matchedUpTo > 0
        ? Duration.ofMillis((long) Math.ceil(millis))
        : null;
  }

  private static Duration parseRetryAfter(String value, Clock clock) {
    String text = value.trim();
    try {
      return Duration.ofMillis((long) Math.ceil(Double.parseDouble(text) * 1000));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration wait = Duration.between(clock.instant(), at.toInstant());
        return wait.isNegative() ? Duration.ZERO : wait;
      } catch (DateTimeParseException notADate) {
        return null;
      }
    }
  }

  private static Duration parseMillis(String text) {
    try {
      return Duration.ofMillis((long) Math.ceil(Double.parseDouble(text.trim())));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Long parseLong(String text) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      return -1L;
    }
  }

  private static Duration longest(Duration a, Duration b) {
    if (a == null) {
      return b;
    }
    return b == null || a.compareTo(b) >= 0 ? a : b;
  }
}
