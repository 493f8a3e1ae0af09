package io.signalhub.indexing.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobStatusServiceTest {

  private final PipelineFixture fixture = new PipelineFixture();

  @Test
  void reportsCountersRateAndEtaFromRecentThroughput() {
    fixture.fanOut().fanOut(fixture.upload("job", PipelineFixture.sources(6, 10)), Instant.MAX);
    List<BatchMessage> messages = fixture.queue.drain();
    EmbedBatchService embedder = fixture.embedder();
    for (int i = 0; i < messages.size() / 2; i++) {
      embedder.process(messages.get(i), 1);
      fixture.clock.advance(Duration.ofSeconds(5));
    }
    JobStatusService status = new JobStatusService(fixture.jobs, fixture.clock);

    JobView view = status.job("job").orElseThrow();

    assertThat(view.status()).isEqualTo("EMBEDDING");
    assertThat(view.totalFinal()).isTrue();
    assertThat(view.etaProvisional()).isFalse();
    assertThat(view.completed() + view.pending()).isEqualTo(view.total());
    assertThat(view.chunksPerSecond()).isPositive();
    assertThat(view.etaSeconds()).isPositive();
    assertThat(view.percent()).isBetween(1.0, 99.0);
    assertThat(view.estimatedCostUsd()).isNull(); // the fake model has no published price
    assertThat(view.apiCallsSaved()).isEqualTo(view.completed() - view.apiCalls());
  }

  @Test
  void failedChunksAreNotCountedAsSavedCalls() {
    fixture.fanOut().fanOut(fixture.upload("job", PipelineFixture.sources(2, 10)), Instant.MAX);
    List<BatchMessage> messages = fixture.queue.drain();
    EmbedBatchService embedder = fixture.embedder();
    for (BatchMessage message : messages) {
      embedder.failDeadLettered(message, 5);
    }

    JobView view = new JobStatusService(fixture.jobs, fixture.clock).job("job").orElseThrow();

    assertThat(view.failed()).isEqualTo(view.total()).isPositive();
    assertThat(view.apiCallsSaved()).isZero();
  }

  @Test
  void theRateFollowsTheLastMinuteNotTheJobsAverage() {
    fixture.fanOut().fanOut(fixture.upload("job", PipelineFixture.sources(6, 10)), Instant.MAX);
    List<BatchMessage> messages = fixture.queue.drain();
    EmbedBatchService embedder = fixture.embedder();
    embedder.process(messages.get(0), 1);
    fixture.clock.advance(Duration.ofMinutes(10));
    JobStatusService status = new JobStatusService(fixture.jobs, fixture.clock);
    assertThat(status.job("job").orElseThrow().chunksPerSecond()).isZero();
    assertThat(status.job("job").orElseThrow().etaSeconds()).isNull();
  }

  @Test
  void listsJobsNewestFirstInPages() {
    for (int i = 0; i < 5; i++) {
      fixture
          .fanOut()
          .fanOut(fixture.upload("job-" + i, PipelineFixture.sources(1, 2)), Instant.MAX);
      fixture.clock.advance(Duration.ofSeconds(1));
    }
    JobStatusService status = new JobStatusService(fixture.jobs, fixture.clock);
    JobStatusService.Page first = status.list(2, null);
    assertThat(first.jobs()).extracting(JobView::jobId).containsExactly("job-4", "job-3");
    JobStatusService.Page second = status.list(2, first.nextCursor());
    assertThat(second.jobs()).extracting(JobView::jobId).containsExactly("job-2", "job-1");
    assertThat(status.list(2, second.nextCursor()).nextCursor()).isNull();
  }

  @Test
  void anUnknownJobIsEmpty() {
    assertThat(new JobStatusService(fixture.jobs, fixture.clock).job("nope")).isEmpty();
  }
}
