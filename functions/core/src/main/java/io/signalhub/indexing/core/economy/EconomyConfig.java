package io.signalhub.indexing.core.economy;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * The deployment's economy defaults ({@code signal-hub.mode}, {@code signal-hub.economy.*}); a
 * manifest's {@code settings.mode} and {@code settings.economyFallback} override the first two.
 *
 * @param defaults mode and fallback for jobs whose manifest names none
 * @param firstPoll delay before a new provider batch is first polled
 * @param maxPoll longest delay between polls (SQS allows at most 15 minutes)
 * @param gatherThreads a gather's store and bucket calls in flight at once ({@link
 *     io.signalhub.indexing.core.ParallelCalls})
 */
public record EconomyConfig(
    EconomySettings defaults, Duration firstPoll, Duration maxPoll, int gatherThreads) {

  public static final Duration SQS_MAX_DELAY = Duration.ofMinutes(15);

  public EconomyConfig {
    if (firstPoll.isNegative() || maxPoll.compareTo(firstPoll) < 0) {
      throw new IllegalArgumentException(
          "economy poll delays must satisfy 0 <= first <= max, were " + firstPoll + ", " + maxPoll);
    }
    if (gatherThreads < 1) {
      throw new IllegalArgumentException(
          "signal-hub.economy.gather-threads must be at least 1, was " + gatherThreads);
    }
  }

  public static EconomyConfig from(Function<String, Optional<String>> lookup) {
    return new EconomyConfig(
        new EconomySettings(
            EconomySettings.Mode.parse(lookup.apply("signal-hub.mode").orElse("on-demand")),
            EconomySettings.Fallback.parse(
                lookup.apply("signal-hub.economy.fallback").orElse("on-demand")),
            Integer.parseInt(lookup.apply("signal-hub.economy.max-resubmits").orElse("2"))),
        Duration.ofSeconds(
            Long.parseLong(lookup.apply("signal-hub.economy.poll-seconds").orElse("60"))),
        Duration.ofSeconds(
            Math.min(
                SQS_MAX_DELAY.toSeconds(),
                Long.parseLong(lookup.apply("signal-hub.economy.max-poll-seconds").orElse("900")))),
        Integer.parseInt(lookup.apply("signal-hub.economy.gather-threads").orElse("32")));
  }

  /** Delay before poll number {@code polls + 1}: doubling from the first, capped. */
  public Duration pollDelay(int polls) {
    Duration delay = firstPoll.multipliedBy(1L << Math.min(polls, 20));
    return delay.compareTo(maxPoll) > 0 ? maxPoll : delay;
  }
}
