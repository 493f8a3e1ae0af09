package io.signalhub.indexing.core.provider;

import java.net.URI;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** Finds the provider a configuration names, with an error that lists the ones available. */
public final class EmbeddingProviders {

  private EmbeddingProviders() {}

  public static EmbeddingProvider create(ProviderSettings settings) {
    EmbeddingProviderFactory factory = factory(settings);
    factory.validate(settings);
    return factory.create(settings);
  }

  /**
   * Checks that the provider exists and its configuration can work, without creating it.
   *
   * @throws IllegalArgumentException saying what is wrong and what to set
   */
  public static void validate(ProviderSettings settings) {
    factory(settings).validate(settings);
  }

  /** The model's tokenizer and limits, for chunking and batching without embedding. */
  public static ModelProfile profile(ProviderSettings settings) {
    return factory(settings).profile(settings);
  }

  private static EmbeddingProviderFactory factory(ProviderSettings settings) {
    TreeSet<String> available = new TreeSet<>();
    for (EmbeddingProviderFactory factory : ServiceLoader.load(EmbeddingProviderFactory.class)) {
      if (factory.name().equalsIgnoreCase(settings.provider())) {
        return factory;
      }
      available.add(factory.name());
    }
    throw new IllegalArgumentException(
        "Unknown embedding provider '"
            + settings.provider()
            + "'. Available: "
            + available
            + (settings.provider().equalsIgnoreCase("bedrock")
                ? " (bedrock needs the indexing-aws module on the class path)"
                : ""));
  }

  /** The in-process all-MiniLM-L6-v2 model. */
  public static final class Local implements EmbeddingProviderFactory {
    @Override
    public String name() {
      return "local";
    }

    @Override
    public void validate(ProviderSettings settings) {
      checkModel(settings);
    }

    @Override
    public EmbeddingProvider create(ProviderSettings settings) {
      checkModel(settings);
      return new LocalMiniLmProvider();
    }

    /** Needs no ONNX Runtime: the fan-out's package leaves it out. */
    @Override
    public ModelProfile profile(ProviderSettings settings) {
      checkModel(settings);
      return LocalMiniLmModel.profile();
    }

    private static void checkModel(ProviderSettings settings) {
      if (settings.model() != null && !settings.model().equals(LocalMiniLmModel.MODEL)) {
        throw new IllegalArgumentException(
            "The local provider has one model, "
                + LocalMiniLmModel.MODEL
                + "; got '"
                + settings.model()
                + "' (drop --model, or choose another provider)");
      }
    }
  }

  /** Any OpenAI-compatible endpoint. */
  public static final class OpenAi implements EmbeddingProviderFactory {
    @Override
    public String name() {
      return "openai";
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

    @Override
    public EmbeddingProvider create(ProviderSettings settings) {
      OpenAiCompatibleProvider.Builder builder = OpenAiCompatibleProvider.builder();
      builder.baseUrl(
          settings.baseUrl() != null
              ? settings.baseUrl()
              : URI.create("https://api.openai.com/v1"));
      if (settings.model() != null) {
        builder.model(settings.model());
      }
      return builder.apiKey(settings.apiKey()).dimensions(settings.dimensions()).build();
    }

    /**
     * Needs neither key nor endpoint: the fan-out chunks and batches for the model but never calls
     * it, and only the embedder is given the key.
     */
    @Override
    public ModelProfile profile(ProviderSettings settings) {
      return OpenAiCompatibleProvider.profile(settings.model(), settings.dimensions());
    }
  }
}
