package io.signalhub.indexing.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStatus;
import io.signalhub.indexing.core.manifest.ManifestIndex;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A manifest above {@code signal-hub.fanout.shard-files} files (4 here) is fanned out in shards:
 * ten files make three shards, run here one after another in any order, as parallel Lambda
 * invocations would finish.
 */
class ShardedFanOutTest {

  private static final Instant NO_DEADLINE = Instant.MAX;
  private static final Map<String, String> SOURCES = PipelineFixture.sources(10, 9);

  private final PipelineFixture fixture =
      new PipelineFixture(Map.of("signal-hub.fanout.shard-files", "4"));

  /** The same manifest fanned out unsharded, as every manifest was before shards. */
  private static JobRecord unsharded() {
    PipelineFixture single = new PipelineFixture();
    assertThat(single.fanOut().fanOut(single.upload("job", SOURCES), NO_DEADLINE))
        .isEqualTo(FanOutService.Outcome.COMPLETED);
    return single.jobs.get("job").orElseThrow();
  }

  private JobRecord job() {
    return fixture.jobs.get("job").orElseThrow();
  }

  /** Uploads the manifest and delivers its event: the job is planned; returns its shard starts. */
  private List<String> sharded() {
    String key = fixture.upload("job", SOURCES);
    FanOutService.Outcome outcome = fixture.fanOut().fanOut(key, NO_DEADLINE);
    assertThat(outcome).isEqualTo(FanOutService.Outcome.SHARDED);
    return fixture.fanOut().continuations(key, outcome);
  }

  private long vectorLines() {
    return fixture.blobs.list(Keys.vectorsPrefix("job")).stream()
        .mapToLong(k -> new String(fixture.blobs.read(k), StandardCharsets.UTF_8).lines().count())
        .sum();
  }

  @Test
  void shardsFinishingInAnyOrderAddUpToTheUnshardedTotalsAndFinaliseTheTotalOnce() {
    JobRecord reference = unsharded();
    List<String> shards = sharded();

    assertThat(shards)
        .containsExactly(
            "manifests/job.json#shard=0",
            "manifests/job.json#shard=1",
            "manifests/job.json#shard=2");
    assertThat(fixture.queue.sent()).isEmpty();
    assertThat(job().counters().total()).isZero();
    for (String shard : List.of(shards.get(2), shards.get(0))) {
      assertThat(fixture.fanOut().fanOut(shard, NO_DEADLINE))
          .isEqualTo(FanOutService.Outcome.COMPLETED);
      assertThat(job().fanOut().complete()).isFalse();
      assertThat(job().status()).isEqualTo(JobStatus.FANNING_OUT);
    }
    assertThat(fixture.fanOut().fanOut(shards.get(1), NO_DEADLINE))
        .isEqualTo(FanOutService.Outcome.COMPLETED);

    JobRecord job = job();
    assertThat(job.fanOut().complete()).isTrue();
    assertThat(job.status()).isEqualTo(JobStatus.EMBEDDING);
    assertThat(job.counters().total()).isEqualTo(reference.counters().total());
    assertThat(job.counters().filesRead()).isEqualTo(10);
    assertThat(fixture.queue.sent().stream().mapToLong(BatchMessage::chunks).sum())
        .isEqualTo(job.counters().total());
    assertThat(fixture.queue.sent()).extracting(BatchMessage::seq).doesNotHaveDuplicates();
    fixture.drainQueue();
    job = job();
    assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(job.counters().completed() + job.counters().failed())
        .isEqualTo(job.counters().total());
    assertThat(vectorLines()).isEqualTo(job.counters().total());
  }

  @Test
  void aShardReadsTheManifestFromTheCheckpointBeforeItsFirstFileNotFromTheStart() throws Exception {
    // 3,000 files in shards of 1,000: shard 2 starts at file 2,000, after checkpoint 1 (file 1,024)
    PipelineFixture large = new PipelineFixture(Map.of("signal-hub.fanout.shard-files", "1000"));
    String key = large.upload("job", PipelineFixture.sources(3000, 1));
    FanOutService.Outcome planned = large.fanOut().fanOut(key, NO_DEADLINE);
    List<String> shards = large.fanOut().continuations(key, planned);
    ManifestIndex index = ManifestIndex.fromJson(large.blobs.read(Keys.manifestIndex("job")));
    // garble the files shard 2 must not read: every byte from the first file to its checkpoint
    byte[] manifest = large.blobs.read(key);
    Arrays.fill(
        manifest,
        index.checkpoints().get(0).intValue(),
        (int) index.seek(2000).offset(),
        (byte) '#');
    large.blobs.put(key, manifest);

    assertThat(shards).hasSize(3);
    assertThat(large.fanOut().fanOut(shards.get(2), NO_DEADLINE))
        .isEqualTo(FanOutService.Outcome.COMPLETED);
    assertThat(large.jobs.get("job").orElseThrow().counters().filesRead()).isEqualTo(1000);
  }

  @Test
  void aManifestAtTheThresholdIsFannedOutUnshardedAsBefore() {
    String key = fixture.upload("job", PipelineFixture.sources(4, 9));

    FanOutService.Outcome outcome = fixture.fanOut().fanOut(key, NO_DEADLINE);

    assertThat(outcome).isEqualTo(FanOutService.Outcome.COMPLETED);
    assertThat(fixture.fanOut().continuations(key, outcome)).isEmpty();
    assertThat(job().fanOut().complete()).isTrue();
    assertThat(fixture.jobs.shards().plan("job")).isEmpty();
  }

  @Test
  void redeliveredShardStartsAndManifestEventsRegisterNothingTwice() {
    List<String> shards = sharded();
    assertThat(fixture.fanOut().fanOut(Keys.manifest("job"), NO_DEADLINE))
        .isEqualTo(
            FanOutService.Outcome.SHARDED); // a duplicate event: the same plan, started again
    assertThat(fixture.fanOut().continuations(Keys.manifest("job"), FanOutService.Outcome.SHARDED))
        .isEqualTo(shards);
    for (String shard : shards) {
      fixture.fanOut().fanOut(shard, NO_DEADLINE);
    }
    long total = job().counters().total();
    int sent = fixture.queue.sent().size();

    for (String shard : shards) {
      assertThat(fixture.fanOut().fanOut(shard, NO_DEADLINE))
          .isEqualTo(FanOutService.Outcome.SKIPPED);
    }
    assertThat(fixture.fanOut().fanOut(Keys.manifest("job"), NO_DEADLINE))
        .isEqualTo(FanOutService.Outcome.SKIPPED);

    assertThat(job().counters().total()).isEqualTo(total);
    assertThat(fixture.queue.sent()).hasSize(sent);
    fixture.drainQueue();
    assertThat(job().status()).isEqualTo(JobStatus.COMPLETED);
  }

  @Test
  void aShardThatCrashesMidwayResumesFromItsCursorAndCountsNothingTwice() {
    JobRecord reference = unsharded();
    List<String> shards = sharded();
    FanOutService crashing =
        fixture.fanOut(new CrashingQueue(fixture.queue, 2, "the shard's invocation crashed"));
    assertThatThrownBy(() -> crashing.fanOut(shards.get(1), NO_DEADLINE))
        .hasMessageContaining("crashed");
    long registeredBeforeResume = job().counters().batchesRegistered();
    assertThat(registeredBeforeResume).isGreaterThan(fixture.queue.sent().size());

    // out of time at every file: each invocation of shard 0 does one file and hands over
    List<String> continued = new ArrayList<>();
    FanOutService.Outcome outcome;
    do {
      outcome = fixture.fanOut().fanOut(shards.get(0), fixture.clock.instant());
      continued.addAll(fixture.fanOut().continuations(shards.get(0), outcome));
    } while (outcome == FanOutService.Outcome.CONTINUE);
    assertThat(continued).hasSizeGreaterThan(1).containsOnly(shards.get(0));
    assertThat(fixture.fanOut().fanOut(shards.get(1), NO_DEADLINE))
        .isEqualTo(FanOutService.Outcome.COMPLETED);
    assertThat(fixture.fanOut().fanOut(shards.get(2), NO_DEADLINE))
        .isEqualTo(FanOutService.Outcome.COMPLETED);

    assertThat(job().counters().total()).isEqualTo(reference.counters().total());
    fixture.drainQueue();
    JobRecord job = job();
    assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(job.counters().completed()).isEqualTo(job.counters().total());
    assertThat(job.counters().batchesProcessed()).isEqualTo(job.counters().batchesRegistered());
  }

  @Test
  void aShardThatKeepsCrashingFailsItsJobWithTheReasonAndTheOtherShardsStop() {
    List<String> shards = sharded();
    fixture.fanOut().fanOut(shards.get(0), NO_DEADLINE);
    int sent = fixture.queue.sent().size();

    assertThat(
            new FanOutFailureService(fixture.jobs, "fake", "fake-model", fixture.clock)
                .fail(shards.get(1), "the fan-out continuation failed on every receive"))
        .isEqualTo(FanOutFailureService.Outcome.FAILED);

    assertThat(job().status()).isEqualTo(JobStatus.FAILED);
    assertThat(job().state().reason())
        .isEqualTo("fan-out failed: shard 1: the fan-out continuation failed on every receive");
    assertThat(fixture.fanOut().fanOut(shards.get(2), NO_DEADLINE))
        .isEqualTo(FanOutService.Outcome.SKIPPED);
    assertThat(fixture.queue.sent()).hasSize(sent);
  }

  @Test
  void aShardThatNamesNoShardOfItsJobIsIgnored() {
    sharded();

    assertThat(fixture.fanOut().fanOut("manifests/job.json#shard=3", NO_DEADLINE))
        .isEqualTo(FanOutService.Outcome.IGNORED);
    assertThat(fixture.fanOut().fanOut("manifests/other.json#shard=0", NO_DEADLINE))
        .isEqualTo(FanOutService.Outcome.IGNORED);
  }
}
