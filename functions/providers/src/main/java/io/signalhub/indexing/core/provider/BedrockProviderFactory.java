package io.signalhub.indexing.core.provider;

import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;

/**
 * "bedrock": Titan V2 by default; the SDK's own retries are off because ours honour the rate
 * budget.
 */
public final class BedrockProviderFactory extends BedrockModels
    implements EmbeddingProviderFactory {

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
}
