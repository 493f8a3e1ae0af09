package io.signalhub.indexing.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalhub.indexing.core.job.JobRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A text repeated across a job's batches is embedded once, even while its batches run at once. */
class TwinTextsTest {

  private static final String REPEATED = "def shared(x):\n    return x * 42\n";

  private final PipelineFixture fixture =
      new PipelineFixture(Map.of("signal-hub.embedding.batch-size", "1"));

  /** Four files of the same text: four one-chunk batches, the last three twins of the first. */
  private List<BatchMessage> fanOutFourCopies() {
    Map<String, String> files = new LinkedHashMap<>();
    for (int f = 0; f < 4; f++) {
      files.put("copy" + f + ".py", REPEATED);
    }
    fixture.fanOut("job", files);
    List<BatchMessage> messages = fixture.queue.drain();
    assertThat(messages).hasSize(4);
    return messages;
  }

  private JobRecord job() {
    return fixture.jobs.get("job").orElseThrow();
  }

  @Test
  void aTwinRunningWhileItsTextIsBeingEmbeddedWaitsForThatVectorInsteadOfPayingAgain()
      throws Exception {
    List<BatchMessage> messages = fanOutFourCopies();
    CountDownLatch firstInside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean held =
        new java.util.concurrent.atomic.AtomicBoolean();
    // the first request is held inside the provider until the twin has looked for its vector
    fixture.provider.rejecting(
        text -> {
          if (held.compareAndSet(false, true)) {
            firstInside.countDown();
            awaitQuietly(release);
          }
          return false;
        });
    CountDownLatch originalAccounted = new CountDownLatch(1);
    // the twin's first pause lets the original go and lasts until it is accounted: how long that
    // takes on this machine decides nothing (a real pause of a few ms per poll did, when loaded)
    fixture.sleeper =
        duration -> {
          release.countDown();
          originalAccounted.await();
          fixture.clock.advance(duration);
        };
    // two embedder instances, as two Lambda instances would be
    Thread original =
        new Thread(
            () -> {
              fixture.embedder().process(messages.get(0), 1);
              originalAccounted.countDown();
            });
    original.setDaemon(true);
    original.start();
    assertThat(firstInside.await(30, TimeUnit.SECONDS)).isTrue();
    EmbedderService embedder = fixture.embedder();
    try {
      embedder.process(messages.get(3), 1);
    } finally {
      release.countDown();
    }
    original.join();
    embedder.process(messages.get(1), 1);
    embedder.process(messages.get(2), 1);

    assertThat(fixture.provider.sentTexts()).containsExactly(REPEATED);
    assertThat(job().counters().completed()).isEqualTo(4);
    assertThat(job().counters().failed()).isZero();
    assertThat(job().status().name()).isEqualTo("COMPLETED");
  }

  @Test
  void aTwinWhoseOriginalNeverRunsEmbedsTheTextItselfAfterTheTwinWait() {
    List<BatchMessage> messages = fanOutFourCopies();
    Instant before = fixture.clock.instant();

    EmbedderService.Outcome outcome = fixture.embedder().process(messages.get(2), 1);

    assertThat(outcome).isEqualTo(EmbedderService.Outcome.ACCOUNTED);
    assertThat(fixture.provider.sentTexts()).containsExactly(REPEATED);
    assertThat(Duration.between(before, fixture.clock.instant()))
        .isGreaterThanOrEqualTo(fixture.settings.twinWait());
    // the original, delivered late, finds the vector its twin cached
    fixture.drainQueue();
    fixture.embedder().process(messages.get(0), 1);
    assertThat(fixture.provider.sentTexts()).hasSize(1);
  }

  @Test
  void aTwinStopsWaitingAsSoonAsItsOriginalIsAccountedWithoutTheText() {
    List<BatchMessage> messages = fanOutFourCopies();
    fixture.provider.rejecting(REPEATED::equals);
    EmbedderService embedder = fixture.embedder();
    embedder.process(messages.get(0), 1);
    assertThat(job().counters().failed()).isEqualTo(1);
    fixture.provider.rejecting(text -> false);
    Instant before = fixture.clock.instant();

    embedder.process(messages.get(1), 1);

    assertThat(fixture.clock.instant()).isEqualTo(before);
    assertThat(fixture.provider.sentTexts()).containsExactly(REPEATED);
    assertThat(job().counters().completed()).isEqualTo(1);
  }

  @Test
  void aTextRepeatedWithinOneBatchIsSentOnceAndItsRepeatCountsAsCached() {
    PipelineFixture wide = new PipelineFixture(Map.of("signal-hub.embedding.batch-size", "8"));
    wide.fanOut("job", Map.of("a.py", REPEATED, "b.py", REPEATED, "c.py", "x = 1\n"));
    assertThat(wide.queue.sent()).hasSize(1);

    wide.drainQueue();

    JobRecord job = wide.jobs.get("job").orElseThrow();
    assertThat(wide.provider.sentTexts()).containsExactlyInAnyOrder(REPEATED, "x = 1\n");
    assertThat(job.counters().completed()).isEqualTo(3);
    assertThat(job.counters().cached()).isEqualTo(1);
  }

  @Test
  void payloadsNameTheBatchThatCarriesATwinsText() {
    List<BatchMessage> messages = fanOutFourCopies();
    List<Long> twinOf =
        messages.stream()
            .map(m -> BatchPayload.read(fixture.blobs.read(m.payloadKey())).get(0).twinOf())
            .toList();
    long first = messages.get(0).seq();

    assertThat(twinOf).containsExactly(BatchPayload.NOT_A_TWIN, first, first, first);
    assertThat(Collections.frequency(twinOf, first)).isEqualTo(3);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
