package io.signalhub.indexing.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalhub.indexing.core.MutableClock;
import io.signalhub.indexing.core.job.InMemoryJobStore;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStatus;
import org.junit.jupiter.api.Test;

class FanOutFailureServiceTest {

  private final MutableClock clock = new MutableClock();
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final FanOutFailureService service =
      new FanOutFailureService(jobs, "local", "all-minilm-l6-v2-q", clock);

  @Test
  void aJobStuckFanningOutEndsFailedWithTheReason() {
    jobs.createIfAbsent(
        JobRecord.pending("job", Keys.manifest("job"), "local", "m", 384, clock.instant()));
    jobs.acquireFanoutLease("job", "crashed", clock.instant(), clock.instant().plusSeconds(60));

    assertThat(service.fail(Keys.manifest("job"), "boom"))
        .isEqualTo(FanOutFailureService.Outcome.FAILED);

    JobRecord job = jobs.get("job").orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.FAILED);
    assertThat(job.state().reason()).isEqualTo("fan-out failed: boom");
    assertThat(job.state().finishedAt()).isEqualTo(clock.instant());
  }

  @Test
  void aJobTheFanOutNeverCreatedExistsAndHasFailed() {
    assertThat(service.fail(Keys.manifest("never-created"), "init failed"))
        .isEqualTo(FanOutFailureService.Outcome.FAILED);

    JobRecord job = jobs.get("never-created").orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.FAILED);
    assertThat(job.spec().provider()).isEqualTo("local");
    assertThat(job.spec().manifestKey()).isEqualTo("manifests/never-created.json");
  }

  @Test
  void anEndedJobIsLeftAsItIs() {
    service.fail(Keys.manifest("job"), "first");

    assertThat(service.fail(Keys.manifest("job"), "second"))
        .isEqualTo(FanOutFailureService.Outcome.ALREADY_ENDED);
    assertThat(jobs.get("job").orElseThrow().state().reason()).isEqualTo("fan-out failed: first");
  }

  @Test
  void otherKeysAreIgnored() {
    assertThat(service.fail("sources/demo/app.py", "boom"))
        .isEqualTo(FanOutFailureService.Outcome.IGNORED);
  }
}
