package io.signalhub.indexing.core.provider;

/**
 * Creates a provider by name. Implementations are found with {@link java.util.ServiceLoader}, so a
 * module (such as the AWS one, for Bedrock) adds a provider by being on the class path.
 */
public interface EmbeddingProviderFactory {

  /** The name users select it by, e.g. "openai". */
  String name();

  EmbeddingProvider create(ProviderSettings settings);

  /**
   * Checks a configuration without creating anything (no model loaded, no network): a command
   * refuses bad configuration at once instead of failing after its stack has started.
   *
   * @throws IllegalArgumentException saying what is wrong and what to set
   */
  default void validate(ProviderSettings settings) {}

  /** What the fan-out needs of the model (tokenizer, limits) without necessarily loading it. */
  default ModelProfile profile(ProviderSettings settings) {
    try (EmbeddingProvider provider = create(settings)) {
      return ModelProfile.of(name(), provider);
    }
  }
}
