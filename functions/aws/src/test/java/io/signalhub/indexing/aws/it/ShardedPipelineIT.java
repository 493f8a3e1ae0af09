package io.signalhub.indexing.aws.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import io.signalhub.indexing.aws.lambda.ManifestUploads;
import io.signalhub.indexing.aws.local.SqsEventSource;
import io.signalhub.indexing.aws.sqs.SqsBatchQueue;
import io.signalhub.indexing.core.FakeEmbeddingProvider;
import io.signalhub.indexing.core.cache.InMemoryEmbeddingCache;
import io.signalhub.indexing.core.job.InMemoryJobStore;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStatus;
import io.signalhub.indexing.core.metrics.PipelineMetrics;
import io.signalhub.indexing.core.pipeline.CrashingQueue;
import io.signalhub.indexing.core.pipeline.FanOutService;
import io.signalhub.indexing.core.pipeline.InMemoryBatchQueue;
import io.signalhub.indexing.core.pipeline.InMemoryBlobStore;
import io.signalhub.indexing.core.pipeline.PipelineFixture;
import io.signalhub.indexing.core.pipeline.PipelineSettings;
import io.signalhub.indexing.core.provider.ModelProfile;
import io.signalhub.indexing.core.retry.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A sharded manifest on DynamoDB Local, ElasticMQ and s3proxy: the manifest's fan-out queues one
 * continuation per shard, the continuation queue's event source runs them in parallel (as Lambda
 * does, one invocation per message), one shard crashes between registering a group and sending it
 * and is received again, and every chunk is still counted exactly once.
 */
class ShardedPipelineIT {

  private static final Map<String, String> SOURCES = PipelineFixture.sources(10, 8);

  @Test
  void parallelShardsOneOfThemCrashedCountEveryChunkOnce() throws Exception {
    try (PipelineHarness h =
        new PipelineHarness(
            EmbeddedServices.endpoints(),
            EmbeddedServices.S3_EVENTS,
            Map.of("signal-hub.fanout.shard-files", "3"))) {
      String key = h.upload("job-sharded", SOURCES);
      String continuationUrl = h.pipeline.queueUrl(h.settings.continuationQueue());
      Consumer<String> continuation =
          body -> h.pipeline.sqs().sendMessage(r -> r.queueUrl(continuationUrl).messageBody(body));

      assertThat(ManifestUploads.fanOut(List.of(key), h.fanOut(), Instant.MAX, continuation))
          .containsExactly(FanOutService.Outcome.SHARDED);
      continuation.accept(key + "#shard=0"); // a duplicate start, as a retried invocation sends

      Set<String> running = ConcurrentHashMap.newKeySet();
      AtomicBoolean overlapped = new AtomicBoolean();
      AtomicBoolean crashed = new AtomicBoolean();
      FanOutService crashing = crashingOnSecondSend(h);
      SqsEventSource shards =
          new SqsEventSource(
              h.pipeline.sqs(),
              continuationUrl,
              1,
              4,
              event -> {
                String body = event.getRecords().get(0).getBody();
                running.add(body);
                overlapped.compareAndSet(false, running.size() > 1);
                try {
                  FanOutService fanOut =
                      body.endsWith("#shard=1") && crashed.compareAndSet(false, true)
                          ? crashing
                          : h.fanOut();
                  ManifestUploads.fanOut(List.of(body), fanOut, Instant.MAX, continuation);
                  return new SQSBatchResponse(List.of());
                } finally {
                  running.remove(body);
                }
              });
      shards.start();
      try {
        await()
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(50))
            .until(() -> h.job("job-sharded").fanOut().complete());
      } finally {
        shards.close();
      }
      assertThat(crashed).isTrue();
      JobRecord fannedOut = h.job("job-sharded");
      assertThat(fannedOut.counters().total()).isEqualTo(unshardedTotal());
      assertThat(fannedOut.counters().filesRead()).isEqualTo(SOURCES.size());

      JobRecord job = h.runUntilFinished("job-sharded", h.embedder());

      assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
      assertThat(job.counters().completed()).isEqualTo(job.counters().total());
      assertThat(job.counters().batchesProcessed()).isEqualTo(job.counters().batchesRegistered());
      assertThat(h.vectorLines("job-sharded")).isEqualTo(job.counters().total());
      assertThat(overlapped).as("shards ran at the same time").isTrue();
    }
  }

  /** The chunks of the same manifest fanned out unsharded, in memory. */
  private static long unshardedTotal() {
    var jobs = new InMemoryJobStore();
    var blobs = new InMemoryBlobStore();
    var provider = new FakeEmbeddingProvider();
    String key = PipelineFixture.upload(blobs::put, "job", SOURCES);
    new FanOutService(
            PipelineSettings.from(k -> Optional.empty()),
            jobs,
            blobs,
            new InMemoryBatchQueue(),
            new InMemoryEmbeddingCache(10_000),
            ModelProfile.of("fake", provider),
            Clock.systemUTC(),
            PipelineMetrics.NONE)
        .fanOut(key, Instant.MAX);
    return jobs.get("job").orElseThrow().counters().total();
  }

  /** The harness's fan-out, but its invocation dies when it sends its second group. */
  private static FanOutService crashingOnSecondSend(PipelineHarness h) {
    return new FanOutService(
        h.settings,
        h.pipeline.jobs(),
        h.pipeline.blobs(),
        new CrashingQueue(
            new SqsBatchQueue(h.pipeline.sqs(), h.batchQueueUrl, Sleeper.system()),
            2,
            "the shard's invocation died"),
        h.pipeline.cache(),
        h.model,
        Clock.systemUTC(),
        PipelineMetrics.NONE);
  }
}
