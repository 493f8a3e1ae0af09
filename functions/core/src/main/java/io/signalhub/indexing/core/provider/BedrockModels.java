package io.signalhub.indexing.core.provider;

import io.signalhub.indexing.core.batch.ProviderLimits;
import io.signalhub.indexing.core.token.Cl100kTokenCounter;

/**
 * "bedrock": what is known of the Bedrock embedding models without calling Bedrock. It references
 * no SDK class, so the fan-out and the status function compute a Bedrock job's profile without the
 * Bedrock client (module {@code indexing-providers} holds the adapter).
 */
public class BedrockModels implements ModelCatalog {

  public static final String NAME = "bedrock";
  public static final String TITAN_V2 = "amazon.titan-embed-text-v2:0";
  public static final String COHERE_ENGLISH_V3 = "cohere.embed-english-v3";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean takesBaseUrl() {
    return true;
  }

  /** No client: the fan-out never calls Bedrock. */
  @Override
  public ModelProfile profile(ProviderSettings settings) {
    return profile(model(settings), settings.dimensions());
  }

  /** Limits, tokenizer and dimensions of {@code model}; 0 dimensions means the model's default. */
  public static ModelProfile profile(String model, int dimensions) {
    return new ModelProfile(
        NAME,
        model,
        dimensions(model, dimensions),
        limits(isCohere(model)),
        Cl100kTokenCounter.instance());
  }

  /** The configured model, Titan V2 by default. */
  protected static String model(ProviderSettings settings) {
    return settings.model() != null ? settings.model() : TITAN_V2;
  }

  public static boolean isCohere(String model) {
    if (model.startsWith("cohere.")) {
      return true;
    }
    if (!model.startsWith("amazon.titan-embed-text")) {
      throw new IllegalArgumentException(
          "Unsupported Bedrock embedding model '"
              + model
              + "'; use "
              + TITAN_V2
              + " or "
              + COHERE_ENGLISH_V3);
    }
    return false;
  }

  /** Titan V2: 256, 512 or 1024 (0 means 1024); Cohere v3 is always 1024. */
  public static int dimensions(String model, int requested) {
    return isCohere(model) ? 1024 : (requested > 0 ? requested : 1024);
  }

  public static ProviderLimits limits(boolean cohere) {
    return cohere ? ProviderLimits.BEDROCK_COHERE : ProviderLimits.BEDROCK_TITAN_V2;
  }
}
