package io.signalhub.indexing.aws.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.signalhub.indexing.aws.dynamodb.DynamoEconomyStore;
import io.signalhub.indexing.aws.lambda.EconomyPolls;
import io.signalhub.indexing.aws.lambda.PartialBatchProcessor;
import io.signalhub.indexing.aws.local.SqsEventSource;
import io.signalhub.indexing.aws.sqs.SqsBatchQueue;
import io.signalhub.indexing.aws.sqs.SqsPollScheduler;
import io.signalhub.indexing.core.economy.EconomyConfig;
import io.signalhub.indexing.core.economy.EconomyPorts;
import io.signalhub.indexing.core.economy.EconomyService;
import io.signalhub.indexing.core.economy.OpenAiBatchApi;
import io.signalhub.indexing.core.economy.ProviderBatchApi;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStatus;
import io.signalhub.indexing.core.job.JobStore;
import io.signalhub.indexing.core.pipeline.BatchAccounting;
import io.signalhub.indexing.core.pipeline.EmbedderService;
import io.signalhub.indexing.core.pipeline.PipelineFixture;
import io.signalhub.indexing.core.provider.ModelProfile;
import io.signalhub.indexing.core.provider.OpenAiCompatibleProvider;
import io.signalhub.indexing.core.retry.Sleeper;
import io.signalhub.indexing.simulator.SimulatedEmbeddingServer;
import io.signalhub.indexing.simulator.SimulatorSettings;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Economy mode's invariants on DynamoDB Local, ElasticMQ and s3proxy: provider batches followed by
 * delayed poll messages on the batch queue, each chunk counted once across a redelivered poll and a
 * crash while counting, and an expired provider batch falling back on demand.
 */
class EconomyPipelineIT {

  private static final Map<String, String> SOURCES = PipelineFixture.sources(4, 12);
  private static final Map<String, String> ECONOMY =
      Map.of(
          "signal-hub.mode", "economy",
          "signal-hub.economy.poll-seconds", "1",
          "signal-hub.economy.max-poll-seconds", "2");

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable closeable : open) {
      closeable.close();
    }
  }

  private record Setup(
      PipelineHarness harness, SimulatedEmbeddingServer server, OpenAiCompatibleProvider provider) {
    EmbedderService embedder() {
      return harness.pipeline.embedder(provider);
    }
  }

  private Setup setup(SimulatorSettings.Builder simulator) throws Exception {
    Map<String, String> overrides = new java.util.HashMap<>(ECONOMY);
    overrides.put("signal-hub.embedding.batch-size", "8");
    overrides.put("signal-hub.chunk-tokens", "24");
    overrides.put("signal-hub.group-batches", "2"); // several fan-out groups to gather
    PipelineHarness h =
        new PipelineHarness(EmbeddedServices.endpoints(), EmbeddedServices.S3_EVENTS, overrides);
    EmbeddedServices.notifyFor(h.settings.bucket());
    SimulatedEmbeddingServer server =
        SimulatedEmbeddingServer.start(simulator.apiKey("sk-it").dimensions(16).build());
    OpenAiCompatibleProvider provider =
        OpenAiCompatibleProvider.builder()
            .baseUrl(server.baseUrl())
            .apiKey("sk-it")
            .model("text-embedding-3-small")
            .dimensions(16)
            .timeout(Duration.ofSeconds(5))
            .build();
    open.add(h);
    open.add(server);
    open.add(provider);
    h.model = ModelProfile.of("openai", provider);
    h.economy =
        h.pipeline.economy(
            new OpenAiBatchApi(server.baseUrl(), "sk-it", ProviderBatchApi.FileLimits.OPENAI),
            EconomyConfig.from(key -> Optional.ofNullable(ECONOMY.get(key))));
    return new Setup(h, server, provider);
  }

  private static SimulatorSettings.Builder immediate() {
    return SimulatorSettings.builder().batchDurations(0, 0, 0);
  }

  @Test
  void anEconomyJobIsPolledByDelayedMessagesAndCountsEachChunkOnceAtHalfPrice() throws Exception {
    Setup s = setup(immediate());
    s.harness.upload("job-economy", SOURCES);
    s.harness.deliverS3Events();

    JobRecord job = s.harness.runUntilFinished("job-economy", s.embedder(), Duration.ofSeconds(60));

    assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(job.counters().completed())
        .isEqualTo(job.counters().total())
        .isEqualTo(SOURCES.size() * 12L);
    assertThat(s.server.stats().served()).isZero(); // nothing on demand
    // the fan-out's groups of two batches gathered into one provider batch
    assertThat(job.counters().batchesRegistered()).isGreaterThan(2);
    assertThat(s.server.stats().batchesCreated()).isOne();
    assertThat(s.server.stats().batchTokens()).isEqualTo(job.counters().tokens());
    assertThat(s.server.stats().billedUsd(0.02))
        .isEqualTo(job.counters().tokens() * 0.02 / 1e6 * 0.5);
  }

  @Test
  void aPollDeliveredAgainAfterItWasHandledCountsNothingTwice() throws Exception {
    Setup s = setup(immediate());
    s.harness.upload("job-repoll", SOURCES);
    s.harness.deliverS3Events();
    EmbedderService embedder = s.embedder();
    // every poll is handled, then reported failed (a Lambda that timed out after the work), so
    // SQS delivers each again after the visibility timeout
    SqsEventSource handledButNotDeleted =
        s.harness.batchSource(
            event -> {
              PartialBatchProcessor.process(
                  event, 1, embedder::process, EconomyPolls.poller(s.harness.economy));
              return PipelineHarness.allFailed(event);
            });
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              handledButNotDeleted.pollOnce(Duration.ofMillis(200));
              return s.harness.job("job-repoll").status().terminal();
            });
    JobRecord first = s.harness.job("job-repoll");

    JobRecord job = s.harness.runUntilFinished("job-repoll", embedder, Duration.ofSeconds(30));
    SqsEventSource normal = s.harness.batchSource(embedder);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              normal.pollOnce(Duration.ofMillis(500));
              return s.harness.messagesIn(s.harness.batchQueueUrl) == 0;
            });

    assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(s.harness.job("job-repoll").counters().completed())
        .isEqualTo(first.counters().completed())
        .isEqualTo(job.counters().total());
    assertThat(s.harness.job("job-repoll").counters().batchesProcessed())
        .isEqualTo(job.counters().batchesRegistered());
  }

  @Test
  void aPollerThatCrashesWhileCountingIsRedeliveredAndCountsEachChunkOnce() throws Exception {
    Setup s = setup(immediate());
    JobStore real = s.harness.pipeline.jobs();
    AtomicBoolean crashed = new AtomicBoolean();
    JobStore crashingOnce =
        (JobStore)
            Proxy.newProxyInstance(
                JobStore.class.getClassLoader(),
                new Class<?>[] {JobStore.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("recordBatch")
                      && crashed.compareAndSet(false, true)) {
                    throw new IllegalStateException("the poller crashed after writing vectors");
                  }
                  try {
                    return method.invoke(real, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    var pipeline = s.harness.pipeline;
    s.harness.economy =
        new EconomyService(
            new EconomyPorts(
                crashingOnce,
                pipeline.blobs(),
                pipeline.cache(),
                new DynamoEconomyStore(pipeline.dynamo(), s.harness.settings.jobsTable()),
                new OpenAiBatchApi(s.server.baseUrl(), "sk-it", ProviderBatchApi.FileLimits.OPENAI),
                new SqsBatchQueue(pipeline.sqs(), s.harness.batchQueueUrl, Sleeper.system()),
                new SqsPollScheduler(pipeline.sqs(), s.harness.batchQueueUrl),
                new BatchAccounting(crashingOnce, Clock.systemUTC()),
                EconomyConfig.from(key -> Optional.ofNullable(ECONOMY.get(key))),
                Clock.systemUTC()));
    s.harness.upload("job-crash", SOURCES);
    s.harness.deliverS3Events();

    JobRecord job = s.harness.runUntilFinished("job-crash", s.embedder(), Duration.ofSeconds(60));

    assertThat(crashed).isTrue();
    assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(job.counters().completed())
        .isEqualTo(job.counters().total())
        .isEqualTo(SOURCES.size() * 12L);
    assertThat(job.counters().batchesProcessed()).isEqualTo(job.counters().batchesRegistered());
  }

  @Test
  void anExpiredProviderBatchKeepsItsResultsAndSendsTheRestOnDemand() throws Exception {
    Setup s =
        setup(
            SimulatorSettings.builder()
                .timeScale(1_000_000)
                .batchDurations(0, 2000, 0)
                .batchWindowSeconds(1000));
    s.harness.upload("job-expired", SOURCES);
    s.harness.deliverS3Events();

    JobRecord job = s.harness.runUntilFinished("job-expired", s.embedder(), Duration.ofSeconds(60));

    assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(job.counters().completed()).isEqualTo(job.counters().total());
    var stats = s.server.stats();
    assertThat(stats.batchInputs()).isPositive();
    assertThat(stats.inputs()).isPositive();
    assertThat(stats.batchInputs() + stats.inputs()).isEqualTo(job.counters().total());
  }
}
