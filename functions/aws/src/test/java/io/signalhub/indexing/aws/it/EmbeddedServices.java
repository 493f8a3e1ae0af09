package io.signalhub.indexing.aws.it;

import io.signalhub.indexing.aws.AwsEndpoints;
import io.signalhub.indexing.core.pipeline.Keys;
import io.signalhub.indexing.core.pipeline.PipelineSettings;
import io.signalhub.indexing.local.services.EmbeddedAwsServices;
import io.signalhub.indexing.local.services.S3Notification;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** One set of embedded services per test JVM (they start in a few seconds). */
public final class EmbeddedServices {
  public static final BlockingQueue<String> S3_EVENTS = new LinkedBlockingQueue<>();
  private static EmbeddedAwsServices services;

  private EmbeddedServices() {}

  private static synchronized EmbeddedAwsServices services() {
    if (services == null) {
      try {
        services = EmbeddedAwsServices.start(EmbeddedAwsServices.Ports.ANY, null);
      } catch (Exception e) {
        throw new IllegalStateException("Cannot start the embedded AWS services", e);
      }
      notifyFor(PipelineSettings.from(key -> Optional.empty()).bucket());
    }
    return services;
  }

  public static AwsEndpoints endpoints() {
    EmbeddedAwsServices running = services();
    return AwsEndpoints.local(
        running.s3Endpoint(), running.sqsEndpoint(), running.dynamoEndpoint());
  }

  /** Manifests written to {@code bucket} are announced on {@link #S3_EVENTS}, as the stack does. */
  public static void notifyFor(String bucket) {
    services().addNotification(new S3Notification(bucket, Keys.MANIFESTS, ".json", S3_EVENTS::add));
  }
}
