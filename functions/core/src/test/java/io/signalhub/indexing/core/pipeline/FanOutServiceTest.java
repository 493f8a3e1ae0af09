package io.signalhub.indexing.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStatus;
import io.signalhub.indexing.core.provider.ModelProfile;
import io.signalhub.indexing.core.source.SkipReason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FanOutServiceTest {

  private static final Instant NO_DEADLINE = Instant.MAX;
  private final PipelineFixture fixture = new PipelineFixture();

  private JobRecord job(String id) {
    return fixture.jobs.get(id).orElseThrow();
  }

  @Test
  void registersEveryChunkInBatchesAndFinalisesTheTotal() {
    String key = fixture.upload("job-1", PipelineFixture.sources(6, 10));

    assertThat(fixture.fanOut().fanOut(key, NO_DEADLINE))
        .isEqualTo(FanOutService.Outcome.COMPLETED);

    JobRecord job = job("job-1");
    assertThat(job.fanOut().complete()).isTrue();
    assertThat(job.status()).isEqualTo(JobStatus.EMBEDDING);
    assertThat(job.counters().files()).isEqualTo(6);
    assertThat(job.counters().filesRead()).isEqualTo(6);
    assertThat(job.spec().repository()).isEqualTo("acme/shop");
    long messaged = fixture.queue.sent().stream().mapToLong(BatchMessage::chunks).sum();
    assertThat(job.counters().total())
        .isEqualTo(messaged)
        .isEqualTo(job.counters().pending())
        .isGreaterThan(20);
    assertThat(fixture.queue.sent()).allSatisfy(m -> assertThat(m.chunks()).isBetween(1, 8));
    assertThat(fixture.queue.sent()).extracting(BatchMessage::seq).doesNotHaveDuplicates();
    assertThat(fixture.blobs.list(Keys.BATCHES + "job-1/")).hasSize(fixture.queue.sent().size());
  }

  @Test
  void theFirstBatchIsSentAloneAndGroupsGrowToTheConfiguredSize() {
    PipelineFixture tenPerGroup = new PipelineFixture(Map.of("signal-hub.group-batches", "10"));
    java.util.List<Integer> groupSizes = new java.util.ArrayList<>();
    BatchQueue recording =
        messages -> {
          groupSizes.add(messages.size());
          tenPerGroup.queue.send(messages);
        };
    String key = tenPerGroup.upload("job-1", PipelineFixture.sources(80, 10));

    new FanOutService(
            tenPerGroup.settings,
            tenPerGroup.jobs,
            tenPerGroup.blobs,
            recording,
            tenPerGroup.cache,
            ModelProfile.of("fake", tenPerGroup.provider),
            tenPerGroup.clock,
            tenPerGroup.metrics)
        .fanOut(key, NO_DEADLINE);

    // embedders start on batch 1 instead of waiting for ten; then 2, 4, 8 and full groups of 10
    assertThat(groupSizes).startsWith(1, 2, 4, 8, 10);
    assertThat(groupSizes.subList(4, groupSizes.size() - 1)).containsOnly(10);
    assertThat(groupSizes.stream().mapToInt(Integer::intValue).sum())
        .isEqualTo(tenPerGroup.queue.sent().size());
  }

  @Test
  void theSameEventTwiceMakesOneJobAndOneSetOfMessages() {
    String key = fixture.upload("job-1", PipelineFixture.sources(3, 10));
    fixture.fanOut().fanOut(key, NO_DEADLINE);
    int sent = fixture.queue.sent().size();

    assertThat(fixture.fanOut().fanOut(key, NO_DEADLINE)).isEqualTo(FanOutService.Outcome.SKIPPED);

    assertThat(fixture.queue.sent()).hasSize(sent);
    assertThat(fixture.jobs.list(10, null).jobs()).hasSize(1);
  }

  @Test
  void aWholePipelineRunAccountsEveryChunkOnce() {
    fixture.index("job-1", PipelineFixture.sources(5, 12));

    JobRecord job = job("job-1");
    assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(job.counters().completed() + job.counters().failed())
        .isEqualTo(job.counters().total());
    assertThat(job.counters().pending()).isZero();
    assertThat((long) fixture.vectorLines("job-1").size()).isEqualTo(job.counters().total());
  }

  @Test
  void unchangedChunksAreCachedAndCostNothingTheSecondTime() {
    Map<String, String> sources = PipelineFixture.sources(4, 10);
    fixture.index("first", sources);
    int callsAfterFirst = fixture.provider.calls();

    Map<String, String> changed = new LinkedHashMap<>(sources);
    changed.put(
        "pkg/module0.py",
        sources.get("pkg/module0.py").replace("return x * 3 + 0", "return x * 33 + 0"));
    fixture.index("second", changed);

    JobRecord second = job("second");
    assertThat(second.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(second.counters().total()).isEqualTo(job("first").counters().total());
    assertThat(second.counters().cached()).isEqualTo(second.counters().total() - 1);
    assertThat(fixture.provider.calls() - callsAfterFirst).isEqualTo(1);
    // the second job's vectors are complete: cached chunks are written by the fan-out
    assertThat((long) fixture.vectorLines("second").size()).isEqualTo(second.counters().total());
  }

  @Test
  void aJobWhoseChunksAreAllCachedCompletesDuringFanOut() {
    Map<String, String> sources = PipelineFixture.sources(2, 5);
    fixture.index("first", sources);

    fixture.fanOut("again", sources);

    assertThat(job("again").status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(fixture.queue.sent()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"version\":1,\"repository\":\"r\",\"sources\":{\"prefix\":\"s/\"},\"files\":[{\"path\":\"../etc/passwd\",\"sha256\":\"%s\",\"size\":1}]}",
        "{\"version\":1,\"repository\":\"r\",\"sources\":{\"prefix\":\"s/\"},\"files\":[{\"path\":\"/abs\",\"sha256\":\"%s\",\"size\":1}]}",
        "{\"version\":1,\"repository\":\"r\",\"sources\":{\"prefix\":\"s/\"},\"files\":[{\"path\":\"a\\u0000b\",\"sha256\":\"%s\",\"size\":1}]}",
        "{\"version\":2,\"repository\":\"r\",\"sources\":{\"prefix\":\"s/\"},\"files\":[]}",
        "{\"version\":1,\"repository\":\"r\",\"files\":[]}",
        "{\"version\":1,\"repository\":\"r\",\"sources\":{\"prefix\":\"s/\"},\"files\":[{\"path\":\"a\",\"sha256\":\"nothex\",\"size\":1}]}",
        "{\"version\":1, \"repository\": ",
        "[1,2,3]"
      })
  void anInvalidManifestFailsItsJobWithAReasonAndEnqueuesNothing(String template) {
    String good = "a".repeat(64);
    // a valid file first: nothing may be enqueued even for what precedes the bad entry
    String manifest =
        template
            .replace(
                "\"files\":[{",
                "\"files\":[{\"path\":\"ok.py\",\"sha256\":\"" + good + "\",\"size\":1},{")
            .formatted(good);
    fixture.blobs.put("sources/ok.py", "x = 1\n".getBytes(StandardCharsets.UTF_8));
    fixture.blobs.put(Keys.manifest("bad"), manifest.getBytes(StandardCharsets.UTF_8));

    assertThat(fixture.fanOut().fanOut(Keys.manifest("bad"), NO_DEADLINE))
        .isEqualTo(FanOutService.Outcome.FAILED);

    JobRecord job = job("bad");
    assertThat(job.status()).isEqualTo(JobStatus.FAILED);
    assertThat(job.state().reason()).startsWith("invalid manifest: ");
    assertThat(job.counters().total()).isZero();
    assertThat(fixture.queue.sent()).isEmpty();
    assertThat(fixture.blobs.list(Keys.BATCHES)).isEmpty();
  }

  @Test
  void anOversizedManifestIsRefusedBeforeReading() {
    var small = new PipelineFixture(Map.of("signal-hub.manifest.max-bytes", "100"));
    String key = small.upload("big", PipelineFixture.sources(5, 1));
    assertThat(small.fanOut().fanOut(key, NO_DEADLINE)).isEqualTo(FanOutService.Outcome.FAILED);
    assertThat(small.jobs.get("big").orElseThrow().state().reason())
        .contains("over the limit of 100");
  }

  @Test
  void unreadableBinaryAndChangedFilesAreReportedAndTheRestGoesOn() {
    Map<String, String> sources = new LinkedHashMap<>(PipelineFixture.sources(2, 3));
    String key = fixture.upload("job", sources);
    fixture.blobs.put(
        "sources/acme/pkg/module1.py",
        "changed after the manifest".getBytes(StandardCharsets.UTF_8));
    String manifest = new String(fixture.blobs.read(key), StandardCharsets.UTF_8);
    byte[] binary = {1, 2, 0, 3};
    fixture.blobs.put("sources/acme/logo.png", binary);
    manifest =
        manifest.replace(
            "\"files\":[",
            "\"files\":[{\"path\":\"missing.py\",\"sha256\":\""
                + "b".repeat(64)
                + "\",\"size\":3},"
                + "{\"path\":\"logo.png\",\"sha256\":\""
                + io.signalhub.indexing.core.chunk.Chunk.sha256Hex(binary)
                + "\",\"size\":4},");
    fixture.blobs.put(key, manifest.getBytes(StandardCharsets.UTF_8));

    fixture.fanOut().fanOut(key, NO_DEADLINE);
    fixture.drainQueue();

    JobRecord job = job("job");
    assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(job.counters().filesRead()).isEqualTo(4);
    assertThat(job.counters().skippedFiles())
        .containsEntry(SkipReason.UNREADABLE, 2L)
        .containsEntry(SkipReason.BINARY, 1L);
    assertThat(job.counters().total()).isPositive().isEqualTo(job.counters().completed());
    assertThat(fixture.jobs.failureSample("job", 10))
        .extracting(f -> f.location() + ": " + f.reason())
        .anySatisfy(f -> assertThat(f).startsWith("missing.py: not in the bucket"))
        .anySatisfy(f -> assertThat(f).contains("does not match the manifest's sha256"));
  }

  @Test
  void aFanOutOutOfTimeContinuesWhereItStoppedAndCountsNothingTwice() {
    PipelineFixture single = new PipelineFixture();
    single.fanOut().fanOut(single.upload("job", PipelineFixture.sources(8, 9)), NO_DEADLINE);
    JobRecord reference = single.jobs.get("job").orElseThrow();

    String key = fixture.upload("job", PipelineFixture.sources(8, 9));
    // each file read moves the clock one second; a deadline 2 s ahead forces several continuations
    var clockMovingJobs = fixture.jobs;
    int invocations = 0;
    FanOutService.Outcome outcome;
    do {
      Instant deadline =
          fixture.clock.instant().plus(fixture.settings.fanoutSafetyMargin()).plusSeconds(2);
      outcome =
          new FanOutService(
                  fixture.settings,
                  clockMovingJobs,
                  new ClockTickingBlobs(fixture),
                  fixture.queue,
                  fixture.cache,
                  ModelProfile.of("fake", fixture.provider),
                  fixture.clock,
                  fixture.metrics)
              .fanOut(key, deadline);
      invocations++;
    } while (outcome == FanOutService.Outcome.CONTINUE);

    assertThat(invocations).isGreaterThan(2);
    JobRecord job = job("job");
    assertThat(job.counters().total()).isEqualTo(reference.counters().total());
    assertThat(job.counters().filesRead()).isEqualTo(8);
    assertThat(fixture.queue.sent().stream().mapToLong(BatchMessage::chunks).sum())
        .isEqualTo(reference.counters().total());
    fixture.drainQueue();
    assertThat(job("job").status()).isEqualTo(JobStatus.COMPLETED);
  }

  @Test
  void aCrashBetweenRegisteringAndSendingIsRepairedByTheNextInvocation() {
    String key = fixture.upload("job", PipelineFixture.sources(4, 10));
    var crashing = fixture.fanOut(new CrashingQueue(fixture.queue, 1, "SQS unavailable"));
    assertThatThrownBy(() -> crashing.fanOut(key, NO_DEADLINE))
        .hasMessageContaining("SQS unavailable");
    fixture.clock.advance(fixture.settings.fanoutLease().plusSeconds(1));

    fixture.fanOut().fanOut(key, NO_DEADLINE);
    fixture.drainQueue();

    JobRecord job = job("job");
    assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(job.counters().completed()).isEqualTo(job.counters().total());
  }

  @Test
  void aFanOutKilledAtItsDeadlineLeavesALeaseThatLambdasRetryAMinuteLaterCanTake()
      throws Exception {
    String key = fixture.upload("job", PipelineFixture.sources(4, 10));
    java.util.concurrent.CountDownLatch frozen = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
    Thread killed =
        new Thread(
            () -> {
              // stops for good at its first source read, holding the lease, as a killed one does
              BlobStore freezing =
                  new ClockTickingBlobs(fixture) {
                    @Override
                    public byte[] read(String blob) {
                      frozen.countDown();
                      try {
                        never.await();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      throw new IllegalStateException("killed");
                    }
                  };
              new FanOutService(
                      fixture.settings,
                      fixture.jobs,
                      freezing,
                      fixture.queue,
                      fixture.cache,
                      ModelProfile.of("fake", fixture.provider),
                      fixture.clock,
                      fixture.metrics)
                  .fanOut(key, fixture.clock.instant().plus(java.time.Duration.ofMinutes(15)));
            });
    killed.setDaemon(true);
    killed.start();
    assertThat(frozen.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    try {
      fixture.clock.advance(java.time.Duration.ofMinutes(15).plusSeconds(30));

      assertThat(fixture.fanOut().fanOut(key, NO_DEADLINE))
          .isEqualTo(FanOutService.Outcome.COMPLETED);
    } finally {
      killed.interrupt();
    }
    fixture.drainQueue();
    assertThat(job("job").status()).isEqualTo(JobStatus.COMPLETED);
  }

  /** A blob store that advances the clock one second per source read. */
  private static class ClockTickingBlobs extends ForwardingBlobStore {
    private final PipelineFixture fixture;

    ClockTickingBlobs(PipelineFixture fixture) {
      super(fixture.blobs);
      this.fixture = fixture;
    }

    @Override
    public byte[] read(String key) {
      if (key.startsWith("sources/")) {
        fixture.clock.advance(java.time.Duration.ofSeconds(1));
      }
      return super.read(key);
    }
  }
}
