package io.signalhub.indexing.aws.it;

import io.signalhub.indexing.aws.AwsEndpoints;
import io.signalhub.indexing.localstack.EmbeddedAwsServices;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** One set of embedded services per test JVM (they start in a few seconds). */
public final class EmbeddedServices {
  public static final BlockingQueue<String> S3_EVENTS = new LinkedBlockingQueue<>();
  private static EmbeddedAwsServices services;

  private EmbeddedServices() {}

  public static synchronized AwsEndpoints endpoints() {
    if (services == null) {
      try {
        services = EmbeddedAwsServices.start(EmbeddedAwsServices.Ports.ANY, null, S3_EVENTS::add);
      } catch (Exception e) {
        throw new IllegalStateException("Cannot start the embedded AWS services", e);
      }
    }
    return AwsEndpoints.local(
        services.s3Endpoint(), services.sqsEndpoint(), services.dynamoEndpoint());
  }
}
