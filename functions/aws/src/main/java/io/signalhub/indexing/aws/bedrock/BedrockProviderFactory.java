package io.signalhub.indexing.aws.bedrock;

import io.signalhub.indexing.core.provider.EmbeddingProvider;
import io.signalhub.indexing.core.provider.EmbeddingProviderFactory;
import io.signalhub.indexing.core.provider.ModelProfile;
import io.signalhub.indexing.core.provider.ProviderSettings;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;

/**
 * "bedrock": Titan V2 by default; the SDK's own retries are off because ours honour the rate
 * budget.
 */
public final class BedrockProviderFactory implements EmbeddingProviderFactory {

  @Override
  public String name() {
    return "bedrock";
  }

  @Override
  public EmbeddingProvider create(ProviderSettings settings) {
    var builder =
        BedrockRuntimeClient.builder()
            .httpClient(ApacheHttpClient.create())
            .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()));
    if (settings.region() != null) {
      builder.region(Region.of(settings.region()));
    }
    if (settings.baseUrl() != null) {
      builder.endpointOverride(settings.baseUrl());
    }
    return new BedrockEmbeddingProvider(builder.build(), model(settings), settings.dimensions());
  }

  /** No client: the fan-out never calls Bedrock. */
  @Override
  public ModelProfile profile(ProviderSettings settings) {
    return BedrockModels.profile(model(settings), settings.dimensions());
  }

  private static String model(ProviderSettings settings) {
    return settings.model() != null ? settings.model() : BedrockModels.TITAN_V2;
  }
}
