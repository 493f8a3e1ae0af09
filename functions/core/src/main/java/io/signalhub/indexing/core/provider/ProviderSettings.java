package io.signalhub.indexing.core.provider;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What selects and configures a provider. Read from the environment with {@link #fromEnvironment}:
 * the original package's {@code SIGNAL_HUB_EMBEDDING_*} names and the usual {@code OPENAI_*} ones.
 *
 * @param provider "local", "openai" or "bedrock"
 * @param model model id; null means the provider's default
 * @param dimensions requested vector length; 0 means the model's default
 * @param baseUrl OpenAI-compatible base URL (openai)
 * @param apiKey OpenAI-compatible key (openai); never logged
 * @param region AWS region (bedrock)
 * @param azure Azure OpenAI's endpoint, deployment, API version and Entra ID token (azure-openai)
 */
public record ProviderSettings(
    String provider,
    String model,
    int dimensions,
    URI baseUrl,
    String apiKey,
    String region,
    Azure azure) {

  public static final String DEFAULT_PROVIDER = "local";

  /** Settings without Azure OpenAI's. */
  public ProviderSettings(
      String provider, String model, int dimensions, URI baseUrl, String apiKey, String region) {
    this(provider, model, dimensions, baseUrl, apiKey, region, Azure.NONE);
  }

  /**
   * Azure OpenAI: requests go to {@code <endpoint>/openai/deployments/<deployment>/embeddings
   * ?api-version=<apiVersion>} with the {@code api-key} header, or with {@code Authorization:
   * Bearer <adToken>} when an Entra ID token is given instead.
   *
   * @param endpoint e.g. https://my-resource.openai.azure.com
   * @param deployment the deployment's name; null means the model id
   * @param apiVersion the data-plane API version; null means {@link
   *     AzureOpenAi#DEFAULT_API_VERSION}
   * @param adToken a Microsoft Entra ID access token (scope https://cognitiveservices.azure.com);
   *     never logged
   */
  public record Azure(URI endpoint, String deployment, String apiVersion, String adToken) {
    public static final Azure NONE = new Azure(null, null, null, null);

    static Azure from(Function<String, Optional<String>> env) {
      return new Azure(
          first(env, "SIGNAL_HUB_EMBEDDING_AZURE_ENDPOINT", "AZURE_OPENAI_ENDPOINT")
              .map(URI::create)
              .orElse(null),
          first(env, "SIGNAL_HUB_EMBEDDING_AZURE_DEPLOYMENT", "AZURE_OPENAI_DEPLOYMENT")
              .orElse(null),
          first(
                  env,
                  "SIGNAL_HUB_EMBEDDING_AZURE_API_VERSION",
                  "AZURE_OPENAI_API_VERSION",
                  "OPENAI_API_VERSION")
              .orElse(null),
          first(env, "SIGNAL_HUB_EMBEDDING_AZURE_AD_TOKEN", "AZURE_OPENAI_AD_TOKEN").orElse(null));
    }

    @Override
    public String toString() {
      return "Azure[endpoint=%s, deployment=%s, apiVersion=%s, adToken=%s]"
          .formatted(endpoint, deployment, apiVersion, adToken == null ? "unset" : "****");
    }
  }

  public static ProviderSettings fromEnvironment(Map<String, String> env) {
    return from(name -> Optional.ofNullable(env.get(name)));
  }

  /**
   * The same variable names, looked up elsewhere: a function reads them through its configuration
   * (environment variables included), so tests can set them.
   */
  public static ProviderSettings from(Function<String, Optional<String>> lookup) {
    String provider = first(lookup, "SIGNAL_HUB_EMBEDDING_PROVIDER").orElse(DEFAULT_PROVIDER);
    boolean azure = provider.equalsIgnoreCase(AzureOpenAiModels.NAME);
    return new ProviderSettings(
        provider,
        first(lookup, "SIGNAL_HUB_EMBEDDING_MODEL").orElse(null),
        first(lookup, "SIGNAL_HUB_EMBEDDING_DIMENSION", "SIGNAL_HUB_EMBEDDING_DIMENSIONS")
            .map(Integer::parseInt)
            .orElse(0),
        first(lookup, "SIGNAL_HUB_EMBEDDING_BASE_URL", "OPENAI_BASE_URL")
            .map(URI::create)
            .orElse(null),
        first(
                lookup,
                "SIGNAL_HUB_EMBEDDING_API_KEY",
                azure ? "AZURE_OPENAI_API_KEY" : "OPENAI_API_KEY")
            .orElse(null),
        first(lookup, "SIGNAL_HUB_EMBEDDING_REGION", "AWS_REGION", "AWS_DEFAULT_REGION")
            .orElse(null),
        Azure.from(lookup));
  }

  public ProviderSettings withProvider(String value) {
    return new ProviderSettings(value, model, dimensions, baseUrl, apiKey, region, azure);
  }

  public ProviderSettings withModel(String value) {
    return new ProviderSettings(provider, value, dimensions, baseUrl, apiKey, region, azure);
  }

  public ProviderSettings withBaseUrl(URI value) {
    return new ProviderSettings(provider, model, dimensions, value, apiKey, region, azure);
  }

  /** The same settings with this key (a Lambda reads it from Secrets Manager). */
  public ProviderSettings withApiKey(String value) {
    return new ProviderSettings(provider, model, dimensions, baseUrl, value, region, azure);
  }

  public ProviderSettings withAzure(Azure value) {
    return new ProviderSettings(provider, model, dimensions, baseUrl, apiKey, region, value);
  }

  @Override
  public String toString() {
    return ("ProviderSettings[provider=%s, model=%s, dimensions=%d, baseUrl=%s, apiKey=%s,"
            + " region=%s, azure=%s]")
        .formatted(
            provider, model, dimensions, baseUrl, apiKey == null ? "unset" : "****", region, azure);
  }

  private static Optional<String> first(
      Function<String, Optional<String>> lookup, String... names) {
    for (String name : names) {
      Optional<String> value = lookup.apply(name).filter(v -> !v.isBlank());
      if (value.isPresent()) {
        return value.map(String::trim);
      }
    }
    return Optional.empty();
  }
}
