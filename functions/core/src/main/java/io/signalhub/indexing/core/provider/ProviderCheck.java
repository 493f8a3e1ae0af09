package io.signalhub.indexing.core.provider;

import java.util.List;
import java.util.Optional;

/**
 * Asks the provider for one embedding before any work is uploaded, so a wrong URL, a provider that
 * is not running, a rejected key or an unknown model is reported in seconds with what to fix, not
 * after the job has queued its batches. Costs one request of a few tokens.
 */
public final class ProviderCheck {

  /** The one input the check sends. */
  public static final String PROBE = "signal hub provider check";

  private ProviderCheck() {}

  /**
   * What is wrong with the provider, or empty if it answered.
   *
   * @param where how a user names the provider ({@link #where})
   */
  public static Optional<String> problem(EmbeddingProvider provider, String where) {
    try {
      provider.embed(List.of(PROBE));
      return Optional.empty();
    } catch (EmbeddingException e) {
      return explain(e, where);
    }
  }

  /**
   * What a failed request says is wrong with the provider and what to check; empty for a throttle,
   * which means it answered (it exists, the key works, it is only busy).
   *
   * @param where how a user names the provider ({@link #where})
   */
  public static Optional<String> explain(EmbeddingException e, String where) {
    if (e.isUnreachable()) {
      return Optional.of(
          "cannot reach the embedding provider ("
              + where
              + "): "
              + e.getMessage()
              + ". Check --base-url (or OPENAI_BASE_URL) and that the server is running.");
    }
    if (e.isThrottle()) {
      return Optional.empty();
    }
    return Optional.of(
        "the embedding provider (" + where + ") refused a one-input request: " + e.getMessage());
  }

  /** How a user names the provider: "openai at http://127.0.0.1:9/v1", or just its name. */
  public static String where(ProviderSettings settings) {
    return settings.provider() + (settings.baseUrl() == null ? "" : " at " + settings.baseUrl());
  }
}
