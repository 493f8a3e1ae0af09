package io.signalhub.indexing.core.provider;

/**
 * What is known of a provider's models without calling them: its name, whether a configuration can
 * work, and each model's profile (tokenizer, limits, dimensions). Implementations are found with
 * {@link java.util.ServiceLoader}; they reference no HTTP client, ONNX Runtime or SDK class, so the
 * fan-out and the status function need none of them. The adapters that call a model extend a
 * catalog as an {@link EmbeddingProviderFactory} (module {@code indexing-providers}).
 */
public interface ModelCatalog {

  /** The name users select it by, e.g. "openai". */
  String name();

  /**
   * Checks a configuration without creating anything (no model loaded, no network): a command
   * refuses bad configuration at once instead of failing after its stack has started.
   *
   * @throws IllegalArgumentException saying what is wrong and what to set
   */
  default void validate(ProviderSettings settings) {}

  /** Whether a base URL (the endpoint it calls) acts on this provider; else it is ignored. */
  default boolean takesBaseUrl() {
    return false;
  }

  /** What the fan-out needs of the model (tokenizer, limits) without loading or calling it. */
  ModelProfile profile(ProviderSettings settings);
}
