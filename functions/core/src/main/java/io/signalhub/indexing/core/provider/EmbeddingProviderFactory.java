package io.signalhub.indexing.core.provider;

/**
 * Creates a provider by name: a {@link ModelCatalog} that can also call the model. Implementations
 * are found with {@link java.util.ServiceLoader}, so a module (indexing-providers: the local model,
 * OpenAI-compatible endpoints, Bedrock) adds a provider by being on the class path.
 */
public interface EmbeddingProviderFactory extends ModelCatalog {

  EmbeddingProvider create(ProviderSettings settings);
}
