package io.signalhub.indexing.embedder;

import io.signalhub.indexing.aws.AwsPipeline;
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
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Builds the provider and services once per container. An OpenAI-compatible key is read from
 * Secrets Manager at start (the secret's ARN in {@code SIGNAL_HUB_EMBEDDING_API_KEY_SECRET_ARN}),
 * never from a plain environment variable in AWS, and never logged.
 */
public class EmbedderProducers {

  @Produces
  @Singleton
  EmbeddingProvider provider(AwsPipeline pipeline, ProviderSettings configured) {
    ProviderSettings settings = configured;
    Optional<String> secretArn =
        ConfigProvider.getConfig()
            .getOptionalValue("SIGNAL_HUB_EMBEDDING_API_KEY_SECRET_ARN", String.class)
            .filter(s -> !s.isBlank());
    if (secretArn.isPresent()) {
      try (SecretsManagerClient secrets = SecretsManagerClient.create()) {
        settings =
            settings.withApiKey(
                secrets.getSecretValue(r -> r.secretId(secretArn.get())).secretString());
      }
    }
    if (settings.provider().equals("local") && !LocalMiniLmModel.weightsOnClasspath()) {
      // the packaged function leaves the 23 MB weights out; the stack uploads them to the bucket
      String key =
          ConfigProvider.getConfig()
              .getOptionalValue("signal-hub.local-model-key", String.class)
              .orElse(MODEL_KEY);
      java.util.logging.Logger.getLogger(EmbedderProducers.class.getName())
          .info(
              () ->
                  "Loading the local model's weights from s3://"
                      + pipeline.settings().bucket()
                      + "/"
                      + key);
      return new LocalMiniLmProvider(
          Runtime.getRuntime().availableProcessors(), () -> pipeline.blobs().read(key));
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
}
