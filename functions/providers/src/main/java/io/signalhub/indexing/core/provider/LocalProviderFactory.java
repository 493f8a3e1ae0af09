package io.signalhub.indexing.core.provider;

/** Creates the in-process all-MiniLM-L6-v2 model (ONNX Runtime). */
public final class LocalProviderFactory extends LocalModels implements EmbeddingProviderFactory {
  @Override
  public EmbeddingProvider create(ProviderSettings settings) {
    validate(settings);
    return new LocalMiniLmProvider();
  }
}
