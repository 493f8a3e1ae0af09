package io.signalhub.indexing.aws.it;

import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.core.pipeline.PipelineSettings;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

/**
 * The AWS clients on the embedded services, for the ports' contract tests: one set per test JVM, as
 * the services are, each test making its own uniquely named table, queue or bucket.
 */
final class EmbeddedClients {

  private static AwsPipeline aws;

  private EmbeddedClients() {}

  static synchronized AwsPipeline aws() {
    if (aws == null) {
      aws =
          new AwsPipeline(
              PipelineSettings.from(key -> Optional.empty()),
              EmbeddedServices.endpoints(),
              Clock.systemUTC());
    }
    return aws;
  }

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
