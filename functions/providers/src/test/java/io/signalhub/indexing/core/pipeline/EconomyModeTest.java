package io.signalhub.indexing.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalhub.indexing.core.economy.EconomyConfig;
import io.signalhub.indexing.core.economy.EconomyPorts;
import io.signalhub.indexing.core.economy.EconomyService;
import io.signalhub.indexing.core.economy.EconomySettings;
import io.signalhub.indexing.core.economy.EconomyStore;
import io.signalhub.indexing.core.economy.InMemoryEconomyStore;
import io.signalhub.indexing.core.economy.OpenAiBatchApi;
import io.signalhub.indexing.core.economy.PollScheduler;
import io.signalhub.indexing.core.economy.ProviderBatchApi;
import io.signalhub.indexing.core.economy.Submission;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStatus;
import io.signalhub.indexing.core.provider.ModelProfile;
import io.signalhub.indexing.core.provider.OpenAiCompatibleProvider;
import io.signalhub.indexing.core.provider.SimulatorProviders;
import io.signalhub.indexing.simulator.SimulatedEmbeddingServer;
import io.signalhub.indexing.simulator.SimulatorSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Economy mode end to end on the in-memory adapters and the simulated provider over HTTP: the same
 * chunks and vectors as on demand at half the price, each chunk counted once across resends,
 * redelivered polls and a crash, error lines counted failed, and every fallback after expiry.
 */
class EconomyModeTest {

  private static final Map<String, String> SOURCES = PipelineFixture.sources(6, 12);

  private final List<SimulatedEmbeddingServer> servers = new ArrayList<>();
  private final List<OpenAiCompatibleProvider> providers = new ArrayList<>();

  @AfterEach
  void stop() {
    providers.forEach(OpenAiCompatibleProvider::close);
    servers.forEach(SimulatedEmbeddingServer::close);
  }

  /** Polls recorded, for the test to deliver (as the delayed queue message would). */
  static final class RecordedPolls implements PollScheduler {
    final List<PollRequest> scheduled = new ArrayList<>();

    @Override
    public synchronized void schedule(PollRequest request, Duration delay) {
      scheduled.add(request);
    }

    synchronized List<PollRequest> drain() {
      List<PollRequest> all = List.copyOf(scheduled);
      scheduled.clear();
      return all;
    }
  }

  /** One pipeline (fan-out, economy, on-demand embedder) against its own simulator. */
  final class Run {
    final SimulatedEmbeddingServer server;
    final OpenAiCompatibleProvider provider;
    final PipelineFixture fixture;
    final RecordedPolls polls = new RecordedPolls();
    EconomyStore store = new InMemoryEconomyStore();
    final DelegatingStore delegating = new DelegatingStore();

    /** Set: the next provider file is not created (a crash after its submission was stored). */
    final AtomicBoolean crashBeforeSubmit = new AtomicBoolean();

    /** Set: every request line written and every claim of a batch waits there. */
    volatile Rendezvous linesWritten;

    volatile Rendezvous claims;

    private final EconomyPorts ports;
    EconomyService economy;

    Run(SimulatorSettings.Builder simulator, String mode, String fallback, int maxRequests)
        throws Exception {
      this(simulator, mode, fallback, maxRequests, Map.of());
    }

    /**
     * @param pipeline settings over the fixture's 8-chunk batches of 24-token chunks
     */
    Run(
        SimulatorSettings.Builder simulator,
        String mode,
        String fallback,
        int maxRequests,
        Map<String, String> pipeline)
        throws Exception {
      Map<String, String> settings =
          new java.util.HashMap<>(
              Map.of("signal-hub.embedding.batch-size", "8", "signal-hub.chunk-tokens", "24"));
      settings.putAll(pipeline);
      fixture = new PipelineFixture(settings);
      server = SimulatedEmbeddingServer.start(simulator.apiKey("sk-test").dimensions(16).build());
      servers.add(server);
      provider = SimulatorProviders.openAi(server.baseUrl(), "sk-test", 16);
      providers.add(provider);
      Map<String, String> config =
          Map.of(
              "signal-hub.mode", mode,
              "signal-hub.economy.fallback", fallback,
              "signal-hub.economy.poll-seconds", "1");
      ports =
          new EconomyPorts(
              fixture.jobs,
              fixture.blobs,
              fixture.cache,
              delegating,
              crashing(
                  new OpenAiBatchApi(
                      server.baseUrl(),
                      "sk-test",
                      new ProviderBatchApi.FileLimits(maxRequests, 200L << 20))),
              fixture.queue,
              polls,
              new BatchAccounting(fixture.jobs, fixture.clock),
              EconomyConfig.from(key -> Optional.ofNullable(config.get(key))),
              fixture.clock);
      economy = new EconomyService(ports);
    }

    /** A new process on the same stores: what it kept in memory is gone. */
    void restart() {
      economy = new EconomyService(ports);
    }

    /** {@code api}, but {@link #crashBeforeSubmit} makes its next submit throw first. */
    private ProviderBatchApi crashing(ProviderBatchApi api) {
      return new ProviderBatchApi() {
        @Override
        public FileLimits limits() {
          return api.limits();
        }

        @Override
        public byte[] line(Request request) {
          return Rendezvous.around(linesWritten, () -> api.line(request));
        }

        @Override
        public io.signalhub.indexing.core.economy.ProviderBatch submit(
            String name, byte[] jsonl, Map<String, String> metadata) {
          if (crashBeforeSubmit.getAndSet(false)) {
            throw new IllegalStateException("crash before the provider file was created");
          }
          return api.submit(name, jsonl, metadata);
        }

        @Override
        public io.signalhub.indexing.core.economy.ProviderBatch get(String batchId) {
          return api.get(batchId);
        }

        @Override
        public void cancel(String batchId) {
          api.cancel(batchId);
        }

        @Override
        public List<Result> results(io.signalhub.indexing.core.economy.ProviderBatch batch) {
          return api.results(batch);
        }
      };
    }

    void fanOut(String jobId) {
      fanOut(jobId, SOURCES);
    }

    /** Delivers the gathers queued so far (the fan-out's); returns them, for a redelivery. */
    List<PollScheduler.PollRequest> gather() {
      List<PollScheduler.PollRequest> gathers = new ArrayList<>();
      for (PollScheduler.PollRequest request : polls.drain()) {
        (request.submissionId().startsWith("gather-") ? gathers : polls.scheduled).add(request);
      }
      assertThat(gathers).isNotEmpty();
      gathers.forEach(economy::poll);
      return gathers;
    }

    void fanOut(String jobId, Map<String, String> sources) {
      String key = fixture.upload(jobId, sources);
      fixture.fanOut(economy.queue(), ModelProfile.of("openai", provider)).fanOut(key, Instant.MAX);
    }

    /**
     * Fans out {@code jobId} and delivers everything; returns the job, asserted ended with {@code
     * status} and every chunk counted exactly once.
     */
    JobRecord runToEnd(String jobId, JobStatus status) throws InterruptedException {
      fanOut(jobId);
      settle();
      JobRecord job = job(jobId);
      assertThat(job.status()).isEqualTo(status);
      assertCountedOnce(job);
      return job;
    }

    /** Delivers polls (and on-demand batches) until nothing is left; returns the poll count. */
    int settle() throws InterruptedException {
      EmbedderService embedder = fixture.embedder(provider);
      int delivered = 0;
      for (int round = 0; round < 2000; round++) {
        List<PollScheduler.PollRequest> due = polls.drain();
        List<BatchMessage> batches = fixture.queue.drain();
        if (due.isEmpty() && batches.isEmpty()) {
          return delivered;
        }
        batches.forEach(message -> embedder.process(message, 1));
        for (PollScheduler.PollRequest poll : due) {
          economy.poll(poll);
          delivered++;
        }
        Thread.sleep(1); // the simulator's provider batches move on simulated time
      }
      throw new AssertionError("provider batches never settled");
    }

    JobRecord job(String jobId) {
      return fixture.jobs.get(jobId).orElseThrow();
    }

    TreeSet<String> vectorLines(String jobId) {
      return new TreeSet<>(fixture.vectorLines(jobId));
    }

    /** The store, through which a test can make one write fail (a crash at that point). */
    final class DelegatingStore implements EconomyStore {
      final AtomicBoolean crashOnSettle = new AtomicBoolean();

      @Override
      public EconomySettings modeIfAbsent(String jobId, EconomySettings settings) {
        return store.modeIfAbsent(jobId, settings);
      }

      @Override
      public Optional<EconomySettings> mode(String jobId) {
        return store.mode(jobId);
      }

      @Override
      public String claim(String jobId, long seq, String submissionId, String previousOwner) {
        return Rendezvous.around(
            claims, () -> store.claim(jobId, seq, submissionId, previousOwner));
      }

      @Override
      public Submission createIfAbsent(Submission submission) {
        return store.createIfAbsent(submission);
      }

      @Override
      public Optional<Submission> get(String jobId, String submissionId) {
        return store.get(jobId, submissionId);
      }

      @Override
      public List<Submission> list(String jobId) {
        return store.list(jobId);
      }

      @Override
      public boolean update(Submission expected, Submission next) {
        if (next.phase() == Submission.Phase.SETTLED && crashOnSettle.getAndSet(false)) {
          throw new IllegalStateException("crash before the submission was marked settled");
        }
        return store.update(expected, next);
      }

      @Override
      public void delete(String jobId) {
        store.delete(jobId);
      }
    }
  }

  private static SimulatorSettings.Builder immediate() {
    return SimulatorSettings.builder().batchDurations(0, 0, 0);
  }

  /** In progress for 2,000 simulated seconds, expiring after 1,000: half is done at expiry. */
  private static SimulatorSettings.Builder expiringHalfway() {
    return SimulatorSettings.builder()
        .timeScale(1_000_000)
        .batchDurations(0, 2000, 0)
        .batchWindowSeconds(1000);
  }

  /** The same sources indexed on demand and in economy mode, each against its own simulator. */
  private record BothModes(Run onDemand, Run economy) {}

  private BothModes indexBothWays(String jobId, Map<String, String> sources) throws Exception {
    Run onDemand = new Run(immediate(), "on-demand", "on-demand", 50_000);
    Run economy = new Run(immediate(), "economy", "on-demand", 50_000);
    onDemand.fanOut(jobId, sources);
    onDemand.settle();
    economy.fanOut(jobId, sources);
    economy.settle();
    return new BothModes(onDemand, economy);
  }

  private static void assertCountedOnce(JobRecord job) {
    assertThat(job.fanOut().complete()).isTrue();
    assertThat(job.counters().completed() + job.counters().failed())
        .isEqualTo(job.counters().total());
    assertThat(job.status().terminal()).isTrue();
  }

  @Test
  void economyIndexesTheSameChunksAndVectorsAsOnDemandAtHalfThePrice() throws Exception {
    BothModes both = indexBothWays("job-a", SOURCES);
    Run onDemand = both.onDemand();
    Run economy = both.economy();

    JobRecord a = onDemand.job("job-a");
    JobRecord b = economy.job("job-a");
    assertThat(b.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(b.counters().total()).isEqualTo(a.counters().total()).isGreaterThan(20);
    assertThat(b.counters().completed()).isEqualTo(a.counters().completed());
    assertThat(b.counters().tokens()).isEqualTo(a.counters().tokens());
    assertThat(economy.vectorLines("job-a")).isEqualTo(onDemand.vectorLines("job-a"));
    assertThat(economy.server.stats().served()).isZero();
    assertThat(economy.server.stats().batchTokens()).isEqualTo(onDemand.server.stats().tokens());
    double ratio = economy.server.stats().billedUsd(0.02) / onDemand.server.stats().billedUsd(0.02);
    assertThat(ratio).isEqualTo(0.5);
  }

  @Test
  void withoutABatchApiAnEconomyJobFailsAtOnceWithTheReasonAndBuysNothing() throws Exception {
    Run run = new Run(immediate(), "economy", "on-demand", 50_000);
    EconomyService unavailable =
        new EconomyService(
            new EconomyPorts(
                run.fixture.jobs,
                run.fixture.blobs,
                run.fixture.cache,
                run.store,
                null,
                run.fixture.queue,
                run.polls,
                new BatchAccounting(run.fixture.jobs, run.fixture.clock),
                EconomyConfig.from(
                    key -> Optional.ofNullable(Map.of("signal-hub.mode", "economy").get(key))),
                run.fixture.clock));

    new FanOutService(
            run.fixture.settings,
            run.fixture.jobs,
            run.fixture.blobs,
            unavailable.queue(),
            run.fixture.cache,
            ModelProfile.of("openai", run.provider),
            run.fixture.clock,
            run.fixture.metrics)
        .fanOut(run.fixture.upload("job-u", SOURCES), Instant.MAX);
    run.settle();

    JobRecord job = run.job("job-u");
    assertThat(job.status()).isEqualTo(JobStatus.FAILED);
    assertThat(job.state().reason())
        .contains("economy mode needs a provider with a batch API (openai, or bedrock")
        .contains("on-demand");
    assertThat(job.counters().completed()).isZero();
    assertThat(run.server.stats().served()).isZero();
    assertThat(run.server.stats().batchesCreated()).isZero();
  }

  @Test
  void theStatusShowsProviderBatchStatesAnEtaFromTheProviderAndTheDiscountedCost()
      throws Exception {
    // in progress for ten simulated minutes: the first poll finds every batch running
    Run running =
        new Run(
            SimulatorSettings.builder().batchDurations(0, 600, 0), "economy", "on-demand", 50_000);
    running.fanOut("job-p");
    running.gather();
    running
        .polls
        .drain()
        .forEach(
            poll ->
                assertThat(running.economy.poll(poll))
                    .isEqualTo(EconomyService.PollOutcome.WAITING));
    JobView inProgress =
        new JobStatusService(running.fixture.jobs, running.fixture.clock, running.store)
            .job("job-p")
            .orElseThrow();
    assertThat(inProgress.etaSeconds()).isNull();
    assertThat(inProgress.economy().eta()).contains("depends on the provider");
    assertThat(inProgress.economy().fallback()).isEqualTo("on-demand");
    assertThat(inProgress.economy().providerBatches())
        .isNotEmpty()
        .allSatisfy(b -> assertThat(b.summary()).matches("in_progress \\d+%"));
    String page = io.signalhub.indexing.core.page.StatusPage.job(inProgress);
    assertThat(page)
        .contains("Economy mode: provider batches")
        .contains("in_progress ")
        .contains("depends on the provider");

    Run done = new Run(immediate(), "economy", "on-demand", 50_000);
    done.fanOut("job-d");
    done.settle();
    JobView finished =
        new JobStatusService(done.fixture.jobs, done.fixture.clock, done.store)
            .job("job-d")
            .orElseThrow();
    assertThat(finished.economy().batchTokens()).isEqualTo(finished.tokens()).isPositive();
    assertThat(finished.estimatedCostUsd())
        .isCloseTo(
            finished.tokens() * 0.02 / 1e6 * 0.5, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(finished.economy().providerBatches())
        .allSatisfy(b -> assertThat(b.summary()).isEqualTo("completed 100%"))
        .allSatisfy(b -> assertThat(b.outcome()).isEqualTo("counted"));
  }

  @Test
  void aTextRepeatedAcrossBatchesIsBoughtNoMoreOftenThanOnDemand() throws Exception {
    Map<String, String> copies = new java.util.LinkedHashMap<>(SOURCES);
    SOURCES.forEach((path, text) -> copies.put("copy/" + path, text));
    BothModes both = indexBothWays("job-t", copies);
    Run onDemand = both.onDemand();
    Run economy = both.economy();

    assertThat(economy.job("job-t").status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(economy.job("job-t").counters().completed())
        .isEqualTo(onDemand.job("job-t").counters().completed());
    assertThat(economy.vectorLines("job-t")).isEqualTo(onDemand.vectorLines("job-t"));
    assertThat(economy.server.stats().batchInputs())
        .isLessThanOrEqualTo(onDemand.server.stats().inputs());
    assertThat(economy.server.stats().billedUsd(0.02))
        .isLessThanOrEqualTo(onDemand.server.stats().billedUsd(0.02) / 2);
  }

  @Test
  void sourcesQuotingSpecialTokensAreEmbeddedInBothModesWhereOpenAiWouldAnswerA500()
      throws Exception {
    Map<String, String> sources =
        Map.of(
            "tokenizer.py", "EOS = \"<|endoftext|>\"\nFIM = \"<|fim_prefix|>\"\n",
            "c.py", "x = 1\n");

    BothModes both = indexBothWays("job-s", sources);

    for (Run run : List.of(both.onDemand(), both.economy())) {
      assertThat(run.job("job-s").status()).isEqualTo(JobStatus.COMPLETED);
      assertThat(run.job("job-s").counters().completed()).isEqualTo(2);
      assertThat(run.job("job-s").counters().failed()).isZero();
    }
    assertThat(both.economy().vectorLines("job-s")).isEqualTo(both.onDemand().vectorLines("job-s"));
  }

  @Test
  void aTextRepeatedWithinOneBatchCountsAsCachedAfterItsFirstCopyAsOnDemand() throws Exception {
    String repeated = "def shared(x):\n    return x * 42\n";
    Map<String, String> sources = Map.of("a.py", repeated, "b.py", repeated, "c.py", "x = 1\n");

    BothModes both = indexBothWays("job-w", sources);

    JobRecord a = both.onDemand().job("job-w");
    JobRecord b = both.economy().job("job-w");
    assertThat(b.counters().batchesRegistered())
        .isEqualTo(a.counters().batchesRegistered())
        .isOne();
    assertThat(both.economy().server.stats().batchInputs()).isEqualTo(2);
    assertThat(b.counters().completed()).isEqualTo(a.counters().completed()).isEqualTo(3);
    assertThat(b.counters().cached()).isEqualTo(a.counters().cached()).isOne();
  }

  @Test
  void resentBatchesAndRedeliveredPollsNeverSubmitOrCountTwice() throws Exception {
    Run run = new Run(immediate(), "economy", "on-demand", 50_000);
    run.fanOut("job-r");
    List<PollScheduler.PollRequest> gathers = run.gather();
    long created = run.server.stats().batchesCreated();
    assertThat(created).isOne();
    List<BatchMessage> registered = new ArrayList<>();
    JobRecord described = run.job("job-r");
    for (long seq = 0; seq < described.fanOut().nextSeq(); seq++) {
      registered.add(
          new BatchMessage(
              "job-r",
              seq,
              run.fixture.jobs.batchChunkCount("job-r", seq),
              Keys.batchPayload("job-r", seq)));
    }

    // a resumed fan-out resends what it registered, and its gathers come again: claimed and
    // listed already, so not bought again
    for (int i = 0; i < registered.size(); i += 3) {
      run.economy.send(registered.subList(i, Math.min(registered.size(), i + 3)));
    }
    run.economy.queue().allSent("job-r", 0, described.fanOut().nextSeq());
    run.gather();
    gathers.forEach(run.economy::poll);
    assertThat(run.server.stats().batchesCreated()).isEqualTo(created);

    List<PollScheduler.PollRequest> first = List.copyOf(run.polls.scheduled);
    run.settle();
    // every poll delivered again (SQS at least once): nothing more is counted
    first.forEach(
        poll -> assertThat(run.economy.poll(poll)).isEqualTo(EconomyService.PollOutcome.NOTHING));

    JobRecord job = run.job("job-r");
    assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
    assertCountedOnce(job);
    assertThat(job.counters().completed()).isEqualTo(SOURCES.size() * 12L);
  }

  @Test
  void aPollerThatCrashesAfterCountingIsRedeliveredAndCountsNothingTwice() throws Exception {
    Run run = new Run(immediate(), "economy", "on-demand", 50_000);
    run.fanOut("job-c");
    run.gather();
    PollScheduler.PollRequest poll = run.polls.scheduled.get(0);
    run.delegating.crashOnSettle.set(true);

    try {
      run.economy.poll(poll);
      throw new AssertionError("the crash should have surfaced");
    } catch (IllegalStateException expected) {
      // the message is not deleted: SQS delivers it again
    }
    long completedAtCrash = run.job("job-c").counters().completed();
    assertThat(run.economy.poll(poll)).isEqualTo(EconomyService.PollOutcome.SETTLED);
    run.settle();

    JobRecord job = run.job("job-c");
    assertThat(completedAtCrash).isPositive();
    assertCountedOnce(job);
    assertThat(job.counters().completed()).isEqualTo(SOURCES.size() * 12L);
  }

  @Test
  void linesInTheErrorFileAreCountedFailedWithTheProvidersReason() throws Exception {
    Run run =
        new Run(
            immediate().rejectInput(text -> text.contains("def f2_3(")),
            "economy",
            "on-demand",
            50_000);
    JobRecord job = run.runToEnd("job-e", JobStatus.COMPLETED_WITH_FAILURES);
    assertThat(job.counters().failed()).isEqualTo(1);
    assertThat(run.fixture.jobs.failureSample("job-e", 5))
        .singleElement()
        .satisfies(f -> assertThat(f.reason()).contains("provider batch: 400").contains("Invalid"));
  }

  @Test
  void anExpiredProviderBatchKeepsWhatItFinishedAndSendsTheRestOnDemandByDefault()
      throws Exception {
    Run run = new Run(expiringHalfway(), "economy", "on-demand", 50_000);
    JobRecord job = run.runToEnd("job-x", JobStatus.COMPLETED);
    var stats = run.server.stats();
    assertThat(stats.batchInputs()).isPositive();
    assertThat(stats.inputs()).isPositive();
    // nothing paid twice: each distinct chunk was embedded by the batch or on demand, not both
    assertThat(stats.batchInputs() + stats.inputs()).isEqualTo(job.counters().total());
    assertThat(run.economy.settings("job-x").fallback())
        .isEqualTo(EconomySettings.Fallback.ON_DEMAND);
  }

  @Test
  void withFallbackFailTheUnfinishedChunksAreCountedFailedWithTheReason() throws Exception {
    Run run = new Run(expiringHalfway(), "economy", "fail", 50_000);
    JobRecord job = run.runToEnd("job-f", JobStatus.COMPLETED_WITH_FAILURES);
    assertThat(run.server.stats().inputs()).isZero();
    assertThat(run.fixture.jobs.failureSample("job-f", 5))
        .allSatisfy(f -> assertThat(f.reason()).contains("expired"));
  }

  @Test
  void withFallbackResubmitExpiredBatchesAreSubmittedAgainThenSentOnDemand() throws Exception {
    Run run = new Run(expiringHalfway(), "economy", "resubmit", 50_000);
    run.fanOut("job-s");
    long firstRound = run.server.stats().batchesCreated();
    run.settle();

    JobRecord job = run.job("job-s");
    assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
    assertCountedOnce(job);
    // each expiry keeps half; two resubmissions (the default maximum) before on demand
    assertThat(run.server.stats().batchesCreated()).isGreaterThan(firstRound);
    assertThat(run.store.list("job-s").stream().mapToInt(Submission::attempt).max().orElse(0))
        .isEqualTo(2);
    assertThat(run.server.stats().batchInputs() + run.server.stats().inputs())
        .isEqualTo(job.counters().total());
  }

  @Test
  void batchesArePackedIntoProviderFilesWithinThePerFileRequestLimit() throws Exception {
    Run run = new Run(immediate().maxBatchRequests(20), "economy", "on-demand", 20);
    JobRecord job = run.runToEnd("job-l", JobStatus.COMPLETED);
    assertThat(run.server.stats().served()).isZero();
    assertThat(run.store.list("job-l")).allSatisfy(s -> assertThat(s.requests()).isBetween(1, 20));
    // a fan-out group of three 8-chunk batches (24 requests) does not fit one file of 20
    assertThat(run.store.list("job-l").size())
        .isGreaterThanOrEqualTo((int) Math.ceil(job.counters().total() / 20.0));
  }

  @Test
  void aFileOverTheProvidersLimitFailsValidationAndFallsBackOnDemand() throws Exception {
    // our limit says 50,000, the provider's 5 (under one 8-chunk batch): it refuses every file
    Run run = new Run(immediate().maxBatchRequests(5), "economy", "on-demand", 50_000);
    JobRecord job = run.runToEnd("job-v", JobStatus.COMPLETED);
    assertThat(run.server.stats().batchInputs()).isZero();
    assertThat(run.store.list("job-v"))
        .allSatisfy(s -> assertThat(s.outcome()).contains("failed").contains("over the limit"));
  }
}
