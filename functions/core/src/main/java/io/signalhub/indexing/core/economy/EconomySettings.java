package io.signalhub.indexing.core.economy;

import java.util.Locale;

/**
 * How a job reaches the provider.
 *
 * @param mode on demand (now, full price) or economy (the provider's batch API, half price)
 * @param fallback what to do with a provider batch that ends expired, cancelled or failed
 * @param maxResubmits how many times {@link Fallback#RESUBMIT} submits a batch again before it
 *     falls back on demand
 */
public record EconomySettings(Mode mode, Fallback fallback, int maxResubmits) {

  public static final EconomySettings ON_DEMAND =
      new EconomySettings(Mode.ON_DEMAND, Fallback.ON_DEMAND, 2);

  /** On demand or through the batch API. */
  public enum Mode {
    ON_DEMAND,
    ECONOMY;

    public static Mode parse(String value) {
      return valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    public String wire() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** What becomes of the chunks of a provider batch that expired, was cancelled or failed. */
  public enum Fallback {
    /** Embed them on demand, at the full price (the default: the job still ends promptly). */
    ON_DEMAND,
    /** Submit them in a new provider batch (up to {@code maxResubmits} times, then on demand). */
    RESUBMIT,
    /** Count them failed with the provider's reason. */
    FAIL;

    public static Fallback parse(String value) {
      return valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    public String wire() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  public boolean economy() {
    return mode == Mode.ECONOMY;
  }
}
