package io.signalhub.indexing.core.provider;

import io.signalhub.indexing.core.batch.ProviderLimits;
import io.signalhub.indexing.core.token.Cl100kTokenCounter;
import java.net.URI;

/** "openai": any OpenAI-compatible endpoint, as far as it is known without calling it. */
public class OpenAiModels implements ModelCatalog {

  public static final String DEFAULT_MODEL = "text-embedding-3-small";

  @Override
  public String name() {
    return "openai";
  }

  @Override
  public boolean takesBaseUrl() {
    return true;
  }

  @Override
  public void validate(ProviderSettings settings) {
    if (settings.baseUrl() == null && settings.apiKey() == null) {
      throw new IllegalArgumentException(
          "The openai provider needs OPENAI_API_KEY (for api.openai.com) or OPENAI_BASE_URL "
              + "(for a compatible server such as vLLM, Ollama or TEI)");
    }
    URI url = settings.baseUrl();
    if (url != null
        && (url.getScheme() == null
            || !(url.getScheme().equals("http") || url.getScheme().equals("https"))
            || url.getHost() == null)) {
      throw new IllegalArgumentException(
          "The base URL must be http(s)://host[:port]/path, e.g. http://localhost:8000/v1; got '"
              + url
              + "'");
    }
  }

  /**
   * Needs neither key nor endpoint: the fan-out chunks and batches for the model but never calls
   * it, and only the embedder is given the key.
   */
  @Override
  public ModelProfile profile(ProviderSettings settings) {
    return profile(name(), settings.model(), settings.dimensions());
  }

  /**
   * What the fan-out needs of an OpenAI embedding model.
   *
   * @param model null for {@link #DEFAULT_MODEL}
   * @param dimensions 0 for the model's default
   */
  public static ModelProfile profile(String provider, String model, int dimensions) {
    String name = model != null ? model : DEFAULT_MODEL;
    return new ModelProfile(
        provider,
        name,
        dimensions > 0 ? dimensions : defaultDimensions(name),
        ProviderLimits.OPENAI,
        Cl100kTokenCounter.instance());
  }

  /** The dimensions a model returns when none are asked for. */
  public static int defaultDimensions(String model) {
    return switch (model) {
      case "text-embedding-3-large" -> 3072;
      default -> 1536;
    };
  }
}
