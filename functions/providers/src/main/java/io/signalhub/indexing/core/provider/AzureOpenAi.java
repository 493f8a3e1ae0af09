package io.signalhub.indexing.core.provider;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Azure OpenAI embeddings ({@code --provider azure-openai}): {@code POST
 * <endpoint>/openai/deployments/<deployment>/embeddings?api-version=<version>} with the {@code
 * api-key} header, or an Entra ID token as {@code Authorization: Bearer} (see
 * learn.microsoft.com/azure/ai-services/openai/reference#embeddings). The body and the answer are
 * OpenAI's; so are the error shapes, plus Azure's 413 {@code tokens_limits_reached}, and the
 * headers {@code retry-after-ms}, {@code x-ratelimit-remaining-tokens} and {@code
 * x-ratelimit-remaining-requests}, which {@link OpenAiCompatibleProvider} already reads.
 */
public final class AzureOpenAi extends AzureOpenAiModels implements EmbeddingProviderFactory {

  static final OpenAiCompatibleProvider.ConfigurationHint HINT =
      new OpenAiCompatibleProvider.ConfigurationHint(
          "Set AZURE_OPENAI_API_KEY (or SIGNAL_HUB_EMBEDDING_API_KEY) to one of the resource's keys,"
              + " or AZURE_OPENAI_AD_TOKEN to an Entra ID token",
          "Check AZURE_OPENAI_DEPLOYMENT (the deployment's name), AZURE_OPENAI_ENDPOINT and"
              + " AZURE_OPENAI_API_VERSION");

  @Override
  public EmbeddingProvider create(ProviderSettings settings) {
    ProviderSettings.Azure azure = settings.azure();
    if (azure.endpoint() == null) {
      throw new IllegalArgumentException(
          "The azure-openai provider needs AZURE_OPENAI_ENDPOINT (e.g."
              + " https://my-resource.openai.azure.com) and AZURE_OPENAI_DEPLOYMENT");
    }
    String apiKey = settings.apiKey();
    String token = azure.adToken();
    if ((apiKey == null || apiKey.isBlank()) && (token == null || token.isBlank())) {
      throw new IllegalArgumentException(
          "The azure-openai provider needs AZURE_OPENAI_API_KEY or AZURE_OPENAI_AD_TOKEN");
    }
    String model = settings.model() != null ? settings.model() : "text-embedding-3-small";
    Map<String, String> auth =
        token != null && !token.isBlank()
            ? Map.of("Authorization", "Bearer " + token)
            : Map.of("api-key", apiKey);
    return OpenAiCompatibleProvider.builder()
        .endpoint(embeddingsUri(azure, model))
        .authHeaders(() -> auth)
        .sendModel(false)
        .model(model)
        .dimensions(settings.dimensions())
        .configurationHint(HINT)
        .build();
  }

  /** Where a deployment's embeddings are served. */
  static URI embeddingsUri(ProviderSettings.Azure azure, String model) {
    String base = azure.endpoint().toString().replaceAll("/+$", "");
    String deployment = azure.deployment() != null ? azure.deployment() : model;
    String version = azure.apiVersion() != null ? azure.apiVersion() : DEFAULT_API_VERSION;
    return URI.create(
        base
            + "/openai/deployments/"
            + URLEncoder.encode(deployment, StandardCharsets.UTF_8)
            + "/embeddings?api-version="
            + URLEncoder.encode(version, StandardCharsets.UTF_8));
  }
}
