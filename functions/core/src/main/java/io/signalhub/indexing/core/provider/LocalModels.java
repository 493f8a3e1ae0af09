package io.signalhub.indexing.core.provider;

/** "local": the in-process all-MiniLM-L6-v2 model, as far as it is known without ONNX Runtime. */
public class LocalModels implements ModelCatalog {
  @Override
  public String name() {
    return "local";
  }

  @Override
  public void validate(ProviderSettings settings) {
    if (settings.model() != null && !settings.model().equals(LocalMiniLmModel.MODEL)) {
      throw new IllegalArgumentException(
          "The local provider has one model, "
              + LocalMiniLmModel.MODEL
              + "; got '"
              + settings.model()
              + "' (drop --model, or choose another provider)");
    }
  }

  /** Needs no ONNX Runtime: the fan-out's package has none. */
  @Override
  public ModelProfile profile(ProviderSettings settings) {
    validate(settings);
    return LocalMiniLmModel.profile();
  }
}
