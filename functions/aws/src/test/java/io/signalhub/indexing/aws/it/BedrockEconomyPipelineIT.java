package io.signalhub.indexing.aws.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.signalhub.indexing.core.economy.BedrockBatchApi;
import io.signalhub.indexing.core.economy.EconomyConfig;
import io.signalhub.indexing.core.economy.ProviderBatchApi;
import io.signalhub.indexing.core.economy.ProviderBatchApis;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStatus;
import io.signalhub.indexing.core.pipeline.EmbedderService;
import io.signalhub.indexing.core.pipeline.Keys;
import io.signalhub.indexing.core.pipeline.PipelineFixture;
import io.signalhub.indexing.core.provider.BedrockModels;
import io.signalhub.indexing.core.provider.EmbeddingProvider;
import io.signalhub.indexing.core.provider.EmbeddingProviders;
import io.signalhub.indexing.core.provider.ModelProfile;
import io.signalhub.indexing.core.provider.ProviderSettings;
import io.signalhub.indexing.simulator.SimulatedBedrockServer;
import io.signalhub.indexing.simulator.SimulatorSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Economy mode on Bedrock batch inference, on DynamoDB Local, ElasticMQ and s3proxy: {@link
 * BedrockBatchApi} drives the simulator's Bedrock stand-in through the real AWS SDK client (input
 * written to and output read from s3proxy, where the stand-in reads and writes them as Bedrock
 * does), and the on-demand runs and fallbacks call its {@code InvokeModel} through the SDK too.
 */
class BedrockEconomyPipelineIT {

  private static final Map<String, String> SOURCES = PipelineFixture.sources(3, 10);
  private static final String ROLE = "arn:aws:iam::123456789012:role/signal-hub-bedrock-batch";
  private static final int DIMENSIONS = 256;

  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeAll
  static void credentials() {
    // the SDK signs every request; the stand-in does not check signatures
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable closeable : open) {
      closeable.close();
    }
  }

  /** One stack (its own bucket, tables, queues) and one Bedrock stand-in. */
  private final class Run {
    final PipelineHarness harness;
    final SimulatedBedrockServer bedrock;
    final EmbeddingProvider provider;

    Run(String mode, SimulatorSettings.Builder simulator) throws Exception {
      Map<String, String> config = new HashMap<>();
      config.put("signal-hub.mode", mode);
      config.put("signal-hub.economy.poll-seconds", "1");
      config.put("signal-hub.economy.max-poll-seconds", "1");
      config.put("signal-hub.chunk-tokens", "24");
      // -Dsignal-hub.economy.gather-threads=N times a gather at N (docs/architecture.md)
      Optional.ofNullable(System.getProperty("signal-hub.economy.gather-threads"))
          .ifPresent(threads -> config.put("signal-hub.economy.gather-threads", threads));
      harness =
          new PipelineHarness(EmbeddedServices.endpoints(), EmbeddedServices.S3_EVENTS, config);
      open.add(harness);
      EmbeddedServices.notifyFor(harness.settings.bucket());
      bedrock =
          SimulatedBedrockServer.start(
              simulator.models(Set.of(BedrockModels.TITAN_V2)).build(),
              EmbeddedServices.endpoints().s3().orElseThrow());
      open.add(bedrock);
      ProviderSettings settings =
          new ProviderSettings(
              "bedrock", BedrockModels.TITAN_V2, DIMENSIONS, bedrock.endpoint(), null, "us-east-1");
      provider = EmbeddingProviders.create(settings);
      open.add(provider);
      harness.model = ModelProfile.of("bedrock", provider);
      ProviderBatchApi api =
          ProviderBatchApis.forSettings(
              settings,
              new ProviderBatchApis.Storage(
                  harness.pipeline.blobs(), harness.settings.bucket(), ROLE));
      harness.economy =
          harness.pipeline.economy(
              api, EconomyConfig.from(key -> Optional.ofNullable(config.get(key))));
    }

    JobRecord index(String jobId) throws Exception {
      return index(jobId, SOURCES);
    }

    JobRecord index(String jobId, Map<String, String> sources) throws Exception {
      harness.upload(jobId, sources);
      harness.deliverS3Events();
      EmbedderService embedder = harness.pipeline.embedder(provider);
      return harness.runUntilFinished(jobId, embedder, Duration.ofSeconds(90));
    }

    TreeSet<String> vectorLines(String jobId) {
      TreeSet<String> lines = new TreeSet<>();
      var blobs = harness.pipeline.blobs();
      for (String key : blobs.list(Keys.vectorsPrefix(jobId))) {
        lines.addAll(List.of(new String(blobs.read(key), StandardCharsets.UTF_8).split("\n")));
      }
      lines.remove("");
      return lines;
    }

    /** Records padded up to Bedrock's minimum: one token each at the batch price. */
    long paddingRecords(JobRecord job) {
      return (long) bedrock.jobsCreated() * BedrockBatchApi.MIN_RECORDS - job.counters().total();
    }
  }

  private static SimulatorSettings.Builder immediate() {
    return SimulatorSettings.builder().batchDurations(0, 0, 0);
  }

  @Test
  void aBedrockBatchJobIndexesTheSameChunksAndVectorsAsOnDemandAtHalfThePrice() throws Exception {
    Run onDemand = new Run("on-demand", immediate());
    Run economy = new Run("economy", immediate());

    JobRecord a = onDemand.index("job-titan");
    JobRecord b = economy.index("job-titan");

    assertThat(b.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(b.counters().total()).isEqualTo(a.counters().total()).isEqualTo(30);
    assertThat(b.counters().completed()).isEqualTo(a.counters().completed());
    assertThat(b.counters().tokens()).isEqualTo(a.counters().tokens()).isPositive();
    assertThat(economy.vectorLines("job-titan")).isEqualTo(onDemand.vectorLines("job-titan"));
    assertThat(economy.bedrock.stats().served()).isZero(); // no InvokeModel call
    // the fan-out's groups (one-chunk batches, 10 per group) gathered into one job, padded to 100
    assertThat(economy.bedrock.jobsCreated()).isOne();
    // Bedrock bills every record it ran: the chunks, and the one-token padding records
    long padding = economy.paddingRecords(b);
    assertThat(padding).isEqualTo(70);
    assertThat(economy.bedrock.stats().batchTokens())
        .isEqualTo(onDemand.bedrock.stats().tokens() + padding);
    double chunksAtBatchPrice = (economy.bedrock.stats().batchTokens() - padding) * 0.5;
    assertThat(chunksAtBatchPrice / onDemand.bedrock.stats().tokens()).isEqualTo(0.5);
  }

  @Test
  void threeHundredTitanChunksAreOneBedrockJobWithoutPadding() throws Exception {
    Run economy = new Run("economy", immediate());

    JobRecord job = economy.index("job-300", PipelineFixture.sources(30, 10));

    assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(job.counters().total()).isEqualTo(300);
    assertThat(job.counters().batchesRegistered()).isEqualTo(300); // one input per request
    assertThat(economy.bedrock.jobsCreated()).isOne();
    assertThat(economy.bedrock.stats().batchInputs()).isEqualTo(300); // no padding record
    assertThat(economy.bedrock.stats().served()).isZero();
  }

  @Test
  void recordsBedrockFailedAreCountedFailedWithItsReason() throws Exception {
    Run economy = new Run("economy", immediate().rejectInput(text -> text.contains("def f1_4(")));

    JobRecord job = economy.index("job-rejected");

    assertThat(job.status()).isEqualTo(JobStatus.COMPLETED_WITH_FAILURES);
    assertThat(job.counters().failed()).isEqualTo(1);
    assertThat(job.counters().completed() + job.counters().failed())
        .isEqualTo(job.counters().total());
    assertThat(job.counters().batchesProcessed()).isEqualTo(job.counters().batchesRegistered());
    assertThat(economy.harness.pipeline.jobs().failureSample("job-rejected", 5))
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.reason())
                    .contains("provider batch: 400")
                    .contains("Malformed input request"));
  }

  @Test
  void anExpiredBedrockJobKeepsWhatItFinishedAndSendsTheRestOnDemand() throws Exception {
    // every job expires after 2.5% of its run: 2 of its (at least 100) records are done
    Run economy =
        new Run(
            "economy",
            SimulatorSettings.builder()
                .timeScale(1_000_000)
                .batchDurations(0, 2000, 0)
                .batchWindowSeconds(50));

    JobRecord job = economy.index("job-expired");

    assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(job.counters().completed()).isEqualTo(job.counters().total());
    assertThat(job.counters().batchesProcessed()).isEqualTo(job.counters().batchesRegistered());
    var stats = economy.bedrock.stats();
    assertThat(stats.batchInputs()).isPositive(); // kept from the expired jobs
    assertThat(stats.inputs()).isPositive().isLessThan(job.counters().total()); // the rest
  }

  @Test
  void aCancelledJobStopsItsBedrockJob() throws Exception {
    // jobs run for a long simulated time, so the job is cancelled while they are in progress
    Run economy =
        new Run("economy", SimulatorSettings.builder().timeScale(1).batchDurations(0, 3600, 0));
    economy.harness.upload("job-stopped", SOURCES);
    economy.harness.deliverS3Events();
    var polls = economy.harness.batchSource(economy.harness.pipeline.embedder(economy.provider));
    await() // the fan-out's gather, delivered on the batch queue, creates the job
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              polls.pollOnce(Duration.ofMillis(200));
              return economy.bedrock.jobsCreated() > 0;
            });

    economy.harness.pipeline.jobs().cancel("job-stopped", "cancelled by a test", Instant.now());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              polls.pollOnce(Duration.ofMillis(200));
              return economy.bedrock.jobsStopped() == economy.bedrock.jobsCreated();
            });
  }
}
