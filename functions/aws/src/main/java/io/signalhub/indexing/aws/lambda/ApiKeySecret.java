package io.signalhub.indexing.aws.lambda;

import io.signalhub.indexing.core.provider.ProviderSettings;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The provider's settings with its API key, read from Secrets Manager (the secret's ARN in {@code
 * SIGNAL_HUB_EMBEDDING_API_KEY_SECRET_ARN}), never from a plain environment variable in AWS, and
 * never logged. The key is read at the first call, not at init: Lambda snapshots init with
 * SnapStart, and a key in the snapshot would outlive its rotation. The embedder reads it for its
 * provider and its batch API, the fan-out for the batch API (economy jobs only).
 */
@Singleton
public class ApiKeySecret {

  /** The variable the stack sets to the secret's ARN. */
  public static final String ARN_VARIABLE = "SIGNAL_HUB_EMBEDDING_API_KEY_SECRET_ARN";

  private final ProviderSettings configured;
  private ProviderSettings keyed;

  @Inject
  public ApiKeySecret(ProviderSettings configured) {
    this.configured = configured;
  }

  /** The secret's ARN, when the deployment keeps the key in one. */
  public static Optional<String> arn() {
    return ConfigProvider.getConfig()
        .getOptionalValue(ARN_VARIABLE, String.class)
        .filter(arn -> !arn.isBlank());
  }

  /** The settings with the key from the secret (read once), or as configured without one. */
  public synchronized ProviderSettings settings() {
    if (keyed == null) {
      keyed = arn().map(this::read).orElse(configured);
    }
    return keyed;
  }

  private ProviderSettings read(String secretArn) {
    try (SecretsManagerClient secrets = SecretsManagerClient.create()) {
      return configured.withApiKey(
          secrets.getSecretValue(r -> r.secretId(secretArn)).secretString());
    }
  }
}
