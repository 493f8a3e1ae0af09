package io.signalhub.indexing.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStatus;
import io.signalhub.indexing.core.provider.ProviderSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The local stack fans a manifest above {@code signal-hub.fanout.shard-files} out in shards through
 * its continuation queue, as the deployed stack does, and the job completes with every file once.
 */
class ShardedLocalRuntimeIT {

  @Test
  void aManifestAboveTheShardThresholdCompletesThroughItsContinuationQueue() throws Exception {
    Map<String, String> config = Map.of("signal-hub.fanout.shard-files", "4");
    try (LocalRuntime stack =
            LocalRuntime.start(
                LocalRuntime.Ports.ANY,
                null,
                new ProviderSettings("local", null, 0, null, null, null),
                key -> Optional.ofNullable(config.get(key)));
        S3Client s3 = LocalRuntimeIT.s3(stack)) {
      LocalRuntimeIT.uploadJob(s3, stack.bucket(), "sharded-job", 12);

      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  stack
                      .pipeline()
                      .jobs()
                      .get("sharded-job")
                      .map(job -> job.status().terminal())
                      .orElse(false));

      JobRecord job = stack.pipeline().jobs().get("sharded-job").orElseThrow();
      assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
      assertThat(stack.pipeline().jobs().shards().plan("sharded-job").orElseThrow().shards())
          .isEqualTo(3);
      assertThat(job.counters().filesRead()).isEqualTo(12);
      assertThat(job.counters().total()).isEqualTo(12);
      assertThat(job.counters().completed()).isEqualTo(12);
    }
  }
}
