package io.signalhub.indexing.core.economy;

import io.signalhub.indexing.core.pipeline.BlobStore;
import io.signalhub.indexing.core.provider.BedrockModels;
import io.signalhub.indexing.core.provider.ProviderSettings;
import java.net.URI;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrock.BedrockClient;

/** The batch API of the configured provider, if it has one the pipeline can use. */
public final class ProviderBatchApis {

  private ProviderBatchApis() {}

  /**
   * Where a batch API that works on files in S3 (Bedrock's) puts them.
   *
   * @param blobs the pipeline's bucket
   * @param bucket its name
   * @param bedrockRoleArn the service role Bedrock assumes ({@code
   *     signal-hub.bedrock.batch-role-arn}); null where none is configured
   */
  public record Storage(BlobStore blobs, String bucket, String bedrockRoleArn) {}

  /** Whether {@code provider} may have a batch API the pipeline uses (see {@link #forSettings}). */
  public static boolean offeredBy(String provider) {
    return "openai".equals(provider) || BedrockModels.NAME.equals(provider);
  }

  /**
   * OpenAI's Batch API for provider {@code openai} (at its base URL, with its key); Bedrock batch
   * inference for {@code bedrock} with a Titan text model and a service role; null for the others
   * (the local model has no batch API; Cohere on Bedrock and Azure's are not wired), so economy
   * jobs fail with what to change.
   */
  public static ProviderBatchApi forSettings(ProviderSettings settings, Storage storage) {
    if (!offeredBy(settings.provider())) {
      return null;
    }
    if ("openai".equals(settings.provider())) {
      return new OpenAiBatchApi(
          settings.baseUrl() != null ? settings.baseUrl() : URI.create("https://api.openai.com/v1"),
          settings.apiKey(),
          ProviderBatchApi.FileLimits.OPENAI);
    }
    String model = settings.model() != null ? settings.model() : BedrockModels.TITAN_V2;
    if (BedrockModels.isCohere(model) || storage.bedrockRoleArn() == null) {
      return null;
    }
    var client = BedrockClient.builder().httpClient(ApacheHttpClient.create());
    if (settings.region() != null) {
      client.region(Region.of(settings.region()));
    }
    if (settings.baseUrl() != null) {
      client.endpointOverride(settings.baseUrl()); // a stand-in serving runtime and control plane
    }
    return new BedrockBatchApi(
        client.build(), model, storage.blobs(), storage.bucket(), storage.bedrockRoleArn());
  }
}
