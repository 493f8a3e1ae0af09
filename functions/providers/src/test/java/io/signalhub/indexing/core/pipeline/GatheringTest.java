package io.signalhub.indexing.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.signalhub.indexing.core.economy.BedrockBatchApi;
import io.signalhub.indexing.core.economy.PollScheduler;
import io.signalhub.indexing.core.economy.Submission;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStatus;
import io.signalhub.indexing.core.provider.ModelProfile;
import io.signalhub.indexing.simulator.SimulatorSettings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Economy mode gathers registered batches across fan-out groups into provider files up to the
 * provider's per-file limits, whatever crashes or redeliveries come in between: each batch is
 * submitted by exactly one submission and every chunk counted once.
 */
class GatheringTest {

  /** 144 chunks in batches of up to 8, groups of up to 3 batches (24 requests). */
  private static final Map<String, String> SOURCES = PipelineFixture.sources(12, 12);

  private final EconomyModeTest economyMode = new EconomyModeTest();

  @AfterEach
  void stop() {
    economyMode.stop();
  }

  private EconomyModeTest.Run run(int maxRequests, Map<String, String> pipeline) throws Exception {
    return economyMode
    .new Run(
        SimulatorSettings.builder().batchDurations(0, 0, 0),
        "economy",
        "on-demand",
        maxRequests,
        pipeline);
  }

  /** Counts the fan-out's sends (one per group). */
  private static final class CountingQueue implements BatchQueue {
    final BatchQueue into;
    final AtomicInteger groups = new AtomicInteger();
    final AtomicBoolean crashBeforeAllSent = new AtomicBoolean();

    CountingQueue(BatchQueue into) {
      this.into = into;
    }

    @Override
    public void send(List<BatchMessage> messages) {
      groups.incrementAndGet();
      into.send(messages);
    }

    @Override
    public void allSent(String jobId, long firstSeq, long endSeq) {
      if (crashBeforeAllSent.getAndSet(false)) {
        throw new IllegalStateException("fan-out killed after its last group");
      }
      into.allSent(jobId, firstSeq, endSeq);
    }
  }

  private static FanOutService.Outcome fanOut(
      EconomyModeTest.Run run, BatchQueue queue, String message) {
    return run.fixture
        .fanOut(queue, ModelProfile.of("openai", run.provider))
        .fanOut(message, Instant.MAX);
  }

  /** Settles the run and asserts the job ended COMPLETED with each chunk counted once. */
  private static JobRecord settled(EconomyModeTest.Run run, String jobId) throws Exception {
    run.settle();
    JobRecord job = run.job(jobId);
    assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(job.fanOut().complete()).isTrue();
    assertThat(job.counters().completed()).isEqualTo(job.counters().total()).isPositive();
    assertThat(run.vectorLines(jobId)).hasSize((int) job.counters().total());
    assertThat(run.server.stats().served()).isZero(); // nothing bought on demand
    return job;
  }

  /** Each registered batch is listed by exactly one submission. */
  private static void assertEachBatchInOneSubmission(EconomyModeTest.Run run, JobRecord job) {
    List<Long> listed = new ArrayList<>();
    run.store.list(job.jobId()).forEach(s -> listed.addAll(s.seqs()));
    Set<Long> registered = new HashSet<>();
    LongStream.range(0, job.fanOut().nextSeq()).forEach(registered::add);
    assertThat(listed).doesNotHaveDuplicates();
    assertThat(new HashSet<>(listed)).isEqualTo(registered);
  }

  /** What {@link #indexed} found: the job, and how many groups the fan-out sent. */
  private record Indexed(JobRecord job, int groups) {}

  /** Fans out {@link #SOURCES} as {@code jobId} and settles it (see {@link #settled}). */
  private static Indexed indexed(EconomyModeTest.Run run, String jobId) throws Exception {
    CountingQueue queue = new CountingQueue(run.economy.queue());
    fanOut(run, queue, run.fixture.upload(jobId, SOURCES));
    return new Indexed(settled(run, jobId), queue.groups.get());
  }

  @Test
  void aJobOfManyGroupsIsOneProviderBatchWhenItFitsTheFileLimits() throws Exception {
    EconomyModeTest.Run run = run(50_000, Map.of());

    Indexed indexed = indexed(run, "job-1");

    JobRecord job = indexed.job();
    assertThat(indexed.groups()).isGreaterThan(5);
    assertThat(run.server.stats().batchesCreated()).isOne();
    assertThat(run.store.list("job-1"))
        .singleElement()
        .satisfies(s -> assertThat(s.requests()).isEqualTo((int) job.counters().total()));
    assertEachBatchInOneSubmission(run, job);
  }

  @Test
  void overTheRequestLimitGroupsAreGatheredIntoFilesOfAtMostTheLimit() throws Exception {
    EconomyModeTest.Run run = run(50, Map.of());

    Indexed indexed = indexed(run, "job-n");

    JobRecord job = indexed.job();

    List<Submission> submissions = run.store.list("job-n");
    assertThat(submissions).allSatisfy(s -> assertThat(s.requests()).isBetween(1, 50));
    // groups of up to 24 requests: two or more per file of at most 50, not one file per group
    assertThat(submissions.size())
        .isGreaterThanOrEqualTo((int) Math.ceil(job.counters().total() / 50.0))
        .isLessThanOrEqualTo((indexed.groups() + 1) / 2)
        .isEqualTo((int) run.server.stats().batchesCreated());
    assertEachBatchInOneSubmission(run, job);
  }

  @Test
  void titanOneChunkBatchesMakeOneJobOfAllTheirRecordsNotOnePerGroup() throws Exception {
    // Titan takes one input per request: one-chunk batches, 3 per group
    for (int files : new int[] {5, 25}) {
      EconomyModeTest.Run run =
          run(BedrockBatchApi.LIMITS.maxRequests(), Map.of("signal-hub.embedding.batch-size", "1"));
      String jobId = "job-t" + files;

      fanOut(
          run, run.economy.queue(), run.fixture.upload(jobId, PipelineFixture.sources(files, 6)));
      JobRecord job = settled(run, jobId);

      assertThat(job.counters().total()).isEqualTo(files * 6L);
      assertThat(job.counters().batchesRegistered()).isEqualTo(files * 6L);
      assertThat(run.server.stats().batchesCreated()).isOne();
      // 30 records: padded to Bedrock's minimum of 100 by the adapter; 150: no padding at all
      assertThat(run.store.list(jobId))
          .singleElement()
          .satisfies(s -> assertThat(s.requests()).isEqualTo(files * 6));
    }
  }

  @Test
  void aGatherPreparesAndClaimsItsBatchesInParallelAndStillBuysEachOnce() throws Exception {
    // one after another, a 50,000-record Bedrock file is ~300,000 calls: beyond the timeout
    EconomyModeTest.Run run = run(50_000, Map.of());
    run.linesWritten = new Rendezvous(4);
    run.claims = new Rendezvous(4);

    Indexed indexed = indexed(run, "job-p");

    assertThat(run.linesWritten.most()).as("batches prepared at once").isGreaterThanOrEqualTo(4);
    assertThat(run.claims.most()).as("batches claimed at once").isGreaterThanOrEqualTo(4);
    assertThat(run.server.stats().batchesCreated()).isOne();
    assertThat(run.store.list("job-p"))
        .singleElement()
        .satisfies(
            s ->
                assertThat(s.seqs())
                    .isSorted()
                    .hasSize((int) indexed.job().counters().batchesRegistered()));
    assertEachBatchInOneSubmission(run, indexed.job());
  }

  @Test
  void aGatherThatCrashesBeforeItsProviderFileIsCreatedIsRedeliveredAndBuysItOnce()
      throws Exception {
    EconomyModeTest.Run run = run(50_000, Map.of());
    run.fanOut("job-c");
    List<PollScheduler.PollRequest> gathers = run.polls.drain();
    run.crashBeforeSubmit.set(true);

    assertThatThrownBy(() -> run.economy.poll(gathers.get(0)))
        .hasMessageContaining("crash before the provider file was created");
    assertThat(run.store.list("job-c"))
        .singleElement()
        .satisfies(s -> assertThat(s.phase()).isEqualTo(Submission.Phase.PREPARED));
    run.restart(); // SQS delivers the gather again, to another embedder
    gathers.forEach(run.economy::poll);
    gathers.forEach(run.economy::poll); // and once more after it was handled

    JobRecord job = settled(run, "job-c");
    assertThat(run.server.stats().batchesCreated()).isOne();
    assertEachBatchInOneSubmission(run, job);
  }

  @Test
  void aFanOutKilledBeforeItsLastGatherIsResumedElsewhereAndGathersTheRestOfItsTrack()
      throws Exception {
    EconomyModeTest.Run run = run(50, Map.of());
    CountingQueue queue = new CountingQueue(run.economy.queue());
    queue.crashBeforeAllSent.set(true);
    String key = run.fixture.upload("job-k", SOURCES);

    assertThatThrownBy(() -> fanOut(run, queue, key)).hasMessageContaining("fan-out killed");
    run.gather(); // the ranges gathered before the kill
    long before = run.server.stats().batchesCreated();
    run.restart(); // Lambda retries the fan-out in another instance
    assertThat(fanOut(run, new CountingQueue(run.economy.queue()), key))
        .isEqualTo(FanOutService.Outcome.COMPLETED);
    JobRecord job = settled(run, "job-k");

    assertThat(before).isPositive();
    assertThat(run.server.stats().batchesCreated()).isGreaterThan(before);
    assertThat(run.store.list("job-k")).allSatisfy(s -> assertThat(s.requests()).isBetween(1, 50));
    assertEachBatchInOneSubmission(run, job);
  }

  @Test
  void eachShardOfAShardedManifestIsGatheredIntoItsOwnFileAndTheTotalStaysExact() throws Exception {
    long total = indexed(run(50_000, Map.of()), "job-s").job().counters().total();

    EconomyModeTest.Run run = run(50_000, Map.of("signal-hub.fanout.shard-files", "4"));
    String key = run.fixture.upload("job-s", SOURCES);
    FanOutService.Outcome planned = fanOut(run, run.economy.queue(), key);
    assertThat(planned).isEqualTo(FanOutService.Outcome.SHARDED);
    List<String> shards =
        run.fixture
            .fanOut(run.economy.queue(), ModelProfile.of("openai", run.provider))
            .continuations(key, planned);
    for (int shard = shards.size() - 1; shard >= 0; shard--) { // in any order
      assertThat(fanOut(run, run.economy.queue(), shards.get(shard)))
          .isEqualTo(FanOutService.Outcome.COMPLETED);
    }
    JobRecord job = settled(run, "job-s");

    assertThat(shards).hasSize(3);
    assertThat(job.counters().total()).isEqualTo(total);
    assertThat(run.server.stats().batchesCreated()).isEqualTo(3);
    List<Long> listed = new ArrayList<>();
    run.store.list("job-s").forEach(s -> listed.addAll(s.seqs()));
    assertThat(listed).doesNotHaveDuplicates().hasSize((int) job.counters().batchesRegistered());
  }

  @Test
  void aGatherThatReachedTheDeadLetterQueueSendsItsBatchesOnDemandOnce() throws Exception {
    EconomyModeTest.Run run = run(50_000, Map.of());
    run.fanOut("job-d");
    List<PollScheduler.PollRequest> gathers = run.polls.drain();

    for (int delivery = 1; delivery <= 2; delivery++) {
      gathers.forEach(run.economy::pollDeadLettered);
    }
    run.settle();

    JobRecord job = run.job("job-d");
    assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(job.counters().completed()).isEqualTo(job.counters().total()).isPositive();
    assertThat(run.server.stats().batchesCreated()).isZero();
    assertThat(run.server.stats().inputs()).isEqualTo(job.counters().total()); // each once
    assertThat(run.store.list("job-d"))
        .singleElement()
        .satisfies(s -> assertThat(s.outcome()).startsWith("sent on demand"));
    assertEachBatchInOneSubmission(run, job);
  }

  @Test
  void aRestartThatLostTheSubmittedBatchesPollsPollsThemAgainAndTheJobCompletes() throws Exception {
    EconomyModeTest.Run run = run(50_000, Map.of());
    run.fanOut("job-q");
    run.gather(); // bought: its first poll is queued
    restartLosingTheQueuedPollsThenSettle(run, "job-q");
  }

  @Test
  void aRestartThatLostTheQueuedGathersGathersThePendingBatchesAgain() throws Exception {
    EconomyModeTest.Run run = run(50_000, Map.of());
    run.fanOut("job-l");
    restartLosingTheQueuedPollsThenSettle(run, "job-l");
  }

  /**
   * Loses what the polls queue holds (the local stack's queues are in memory), restarts and
   * recovers as the local runtime does, and asserts the job completes with one provider batch.
   */
  private static void restartLosingTheQueuedPollsThenSettle(EconomyModeTest.Run run, String jobId)
      throws Exception {
    assertThat(run.polls.drain()).isNotEmpty();
    run.restart();

    new PipelineRecovery(run.fixture.jobs, run.economy.queue()).recover((key, deadline) -> {});
    JobRecord job = settled(run, jobId);

    assertThat(run.server.stats().batchesCreated()).isOne();
    assertEachBatchInOneSubmission(run, job);
  }
}
