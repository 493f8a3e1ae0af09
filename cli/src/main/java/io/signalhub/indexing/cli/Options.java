package io.signalhub.indexing.cli;

import io.signalhub.indexing.core.pipeline.Keys;
import io.signalhub.indexing.core.provider.EmbeddingProviders;
import io.signalhub.indexing.core.provider.ProviderSettings;
import java.util.Set;

/** Checks shared by the commands: each failure is a {@link UsageException} (exit 2). */
final class Options {

  private Options() {}

  /** A given (non-null) value must lie in [min, max]. */
  static void range(String option, Integer value, int min, int max) {
    if (value != null && (value < min || value > max)) {
      throw new UsageException(
          option + " must be between " + min + " and " + max + "; got " + value);
    }
  }

  /** A value must be {@code min} or more. */
  static void atLeast(String option, long value, long min) {
    if (value < min) {
      throw new UsageException(option + " must be at least " + min + "; got " + value);
    }
  }

  /** A given job id the status API would refuse (a 400): refused before any stack starts. */
  static void jobId(String id) {
    if (id != null && !Keys.isJobId(id)) {
      throw new UsageException(Keys.malformedJobId(id) + "; 'scripts/jobs' lists the jobs");
    }
  }

  /** The provider exists and its configuration can work: checked before any stack starts. */
  static void validateProvider(ProviderSettings settings) {
    try {
      EmbeddingProviders.validate(settings);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /**
   * {@code --base-url} given for a provider it does not act on: refused, naming those it does,
   * before the provider's own checks (which would ask for its settings). An unknown provider is
   * {@link #validateProvider}'s to report.
   */
  static void baseUrlActsOn(String provider) {
    baseUrlActsOn(provider, "this run's provider is", ", or choose one of those with --provider");
  }

  /**
   * As {@link #baseUrlActsOn(String)}, for a provider the command does not choose.
   *
   * @param whose what has the provider: "this run's provider is", "job X was embedded with"
   * @param alternative what else to do than drop --base-url (", or ..."), or ""
   */
  static void baseUrlActsOn(String provider, String whose, String alternative) {
    Set<String> taking = EmbeddingProviders.takingBaseUrl();
    if (EmbeddingProviders.names().stream().anyMatch(provider::equalsIgnoreCase)
        && taking.stream().noneMatch(provider::equalsIgnoreCase)) {
      throw new UsageException(
          "--base-url applies to --provider "
              + String.join(" or ", taking)
              + "; "
              + whose
              + " "
              + provider
              + ", which ignores it: drop --base-url"
              + alternative);
    }
  }
}
