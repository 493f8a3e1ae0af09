package io.signalhub.indexing.aws.bedrock;

import io.signalhub.indexing.core.batch.ProviderLimits;
import io.signalhub.indexing.core.provider.ModelProfile;
import io.signalhub.indexing.core.token.Cl100kTokenCounter;

/**
 * What is known of the Bedrock embedding models without calling Bedrock. Kept apart from {@link
 * BedrockEmbeddingProvider} so that it references no SDK class: the fan-out's package leaves the
 * Bedrock client out (it never calls Bedrock, and its role may not).
 */
public final class BedrockModels {

  public static final String TITAN_V2 = "amazon.titan-embed-text-v2:0";
  public static final String COHERE_ENGLISH_V3 = "cohere.embed-english-v3";

  private BedrockModels() {}

  /** Limits, tokenizer and dimensions of {@code model}; 0 dimensions means the model's default. */
  public static ModelProfile profile(String model, int dimensions) {
    return new ModelProfile(
        "bedrock",
        model,
        dimensions(model, dimensions),
        limits(isCohere(model)),
        Cl100kTokenCounter.instance());
  }

  static boolean isCohere(String model) {
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
  static int dimensions(String model, int requested) {
    return isCohere(model) ? 1024 : (requested > 0 ? requested : 1024);
  }

  static ProviderLimits limits(boolean cohere) {
    return cohere ? ProviderLimits.BEDROCK_COHERE : ProviderLimits.BEDROCK_TITAN_V2;
  }
}
