package io.signalhub.indexing.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalhub.indexing.core.job.JobStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A restart that lost the queue's messages (the local stack keeps tables and objects, not queues).
 */
class PipelineRecoveryTest {

  private final PipelineFixture fixture =
      new PipelineFixture(Map.of("signal-hub.embedding.batch-size", "1"));

  @Test
  void aRestartResendsEveryPendingBatchInSendsOfTenAndResumesAnUnfinishedFanOut() {
    String finished = fixture.upload("finished", PipelineFixture.sources(6, 4));
    fixture.fanOut().fanOut(finished, Instant.MAX);
    String halfway = fixture.upload("halfway", PipelineFixture.sources(6, 4));
    // a deadline already passed: one file, then the fan-out stops and saves its cursor
    assertThat(fixture.fanOut().fanOut(halfway, fixture.clock.instant()))
        .isEqualTo(FanOutService.Outcome.CONTINUE);
    List<BatchMessage> lost = fixture.queue.drain();
    assertThat(lost).hasSizeGreaterThan(10);

    List<String> resumed = new ArrayList<>();
    List<String> recovered =
        new PipelineRecovery(fixture.jobs, fixture.queue)
            .recover((manifestKey, deadline) -> resumed.add(manifestKey));

    assertThat(recovered).containsExactlyInAnyOrder("finished", "halfway");
    // InMemoryBatchQueue refuses a send of more than ten, as SQS does
    assertThat(fixture.queue.sent()).containsExactlyInAnyOrderElementsOf(lost);
    assertThat(resumed).containsExactly(halfway);
    fixture.drainQueue();
    assertThat(fixture.jobs.get("finished").orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
  }
}
