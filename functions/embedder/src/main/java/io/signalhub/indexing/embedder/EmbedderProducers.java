package io.signalhub.indexing.embedder;

import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.aws.lambda.ApiKeySecret;
import io.signalhub.indexing.aws.lambda.Priming;
import io.signalhub.indexing.core.economy.EconomyConfig;
import io.signalhub.indexing.core.economy.EconomyService;
import io.signalhub.indexing.core.economy.ProviderBatchApis;
import io.signalhub.indexing.core.pipeline.BatchAccounting;
import io.signalhub.indexing.core.pipeline.EmbedderService;
import io.signalhub.indexing.core.provider.EmbeddingProvider;
import io.signalhub.indexing.core.provider.EmbeddingProviders;
import io.signalhub.indexing.core.provider.LocalMiniLmModel;
import io.signalhub.indexing.core.provider.LocalMiniLmProvider;
import io.signalhub.indexing.core.provider.ProviderSettings;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Builds the provider and services once per container. An OpenAI-compatible key is read from
 * Secrets Manager ({@link ApiKeySecret}) when the provider is built.
 */
public class EmbedderProducers {

  @Produces
  @Singleton
  EmbeddingProvider provider(AwsPipeline pipeline, ApiKeySecret key) {
    ProviderSettings settings = key.settings();
    if (settings.provider().equals("local") && !LocalMiniLmModel.weightsOnClasspath()) {
      // the packaged function leaves the 23 MB weights out; the stack uploads them to the bucket
      String weights =
          ConfigProvider.getConfig()
              .getOptionalValue("signal-hub.local-model-key", String.class)
              .orElse(MODEL_KEY);
      java.util.logging.Logger.getLogger(EmbedderProducers.class.getName())
          .info(
              () ->
                  "Loading the local model's weights from s3://"
                      + pipeline.settings().bucket()
                      + "/"
                      + weights);
      return new LocalMiniLmProvider(
          Runtime.getRuntime().availableProcessors(), () -> pipeline.blobs().read(weights));
    }
    return EmbeddingProviders.create(settings);
  }

  /** Where the local model's weights are in the bucket when the package leaves them out. */
  public static final String MODEL_KEY = "models/" + LocalMiniLmModel.weightsFileName();

  void close(@Disposes EmbeddingProvider provider) {
    provider.close();
  }

  @Produces
  @Singleton
  EmbedderService embedder(AwsPipeline pipeline, EmbeddingProvider provider) {
    return pipeline.embedder(provider);
  }

  @Produces
  @Singleton
  BatchAccounting accounting(AwsPipeline pipeline) {
    return pipeline.accounting();
  }

  /**
   * Economy mode's poller: on the batch queue it reads provider batches with the key; the DLQ
   * consumer is given no key, and hands a dead-lettered poll's batches to the job's fallback
   * without reading results (a "resubmit" fallback goes on demand there). Built at the first poll
   * message, so functions of deployments that never see one make none of its calls.
   */
  @Produces
  @Singleton
  EconomyService economy(
      AwsPipeline pipeline,
      ApiKeySecret key,
      EconomyConfig config,
      @ConfigProperty(name = "signal-hub.bedrock.batch-role-arn") Optional<String> bedrockRole) {
    return pipeline.economy(
        Priming.handler().equals("dead-letter")
            ? null
            : ProviderBatchApis.forSettings(
                key.settings(),
                new ProviderBatchApis.Storage(
                    pipeline.blobs(), pipeline.settings().bucket(), bedrockRole.orElse(null))),
        config);
  }
}
