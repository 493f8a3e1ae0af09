package io.signalhub.indexing.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalhub.indexing.core.job.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobLifecycleTest {

  private final PipelineFixture fixture = new PipelineFixture();
  private final JobLifecycle lifecycle =
      new JobLifecycle(fixture.jobs, fixture.blobs, fixture.clock);

  private void runJob(String jobId) {
    String key = fixture.upload(jobId, PipelineFixture.sources(3, 4));
    fixture.fanOut().fanOut(key, Instant.MAX);
    fixture.drainQueue();
    fixture.clock.advance(Duration.ofMinutes(1));
  }

  @Test
  void deletingAJobRemovesItsVectorsPayloadsManifestAndItems() {
    runJob("job-a");
    runJob("job-b");
    assertThat(fixture.blobs.list(Keys.vectorsPrefix("job-a"))).isNotEmpty();

    JobLifecycle.Deleted deleted = lifecycle.delete("job-a").orElseThrow();

    assertThat(deleted.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(fixture.jobs.get("job-a")).isEmpty();
    assertThat(fixture.blobs.list(Keys.vectorsPrefix("job-a"))).isEmpty();
    assertThat(fixture.blobs.list(Keys.BATCHES + "job-a/")).isEmpty();
    assertThat(fixture.blobs.size(Keys.manifest("job-a"))).isEmpty();
    assertThat(fixture.blobs.list(Keys.vectorsPrefix("job-b"))).isNotEmpty();
    assertThat(fixture.blobs.list("sources/")).isNotEmpty();
    assertThat(lifecycle.delete("job-a")).isEmpty();
  }

  @Test
  void pruningKeepsTheNewestSuccessfulJobsOfEachRepositoryAndLeavesRunningOnesAlone() {
    runJob("job-1");
    runJob("job-2");
    runJob("job-3");
    fixture
        .fanOut()
        .fanOut(fixture.upload("job-running", PipelineFixture.sources(5, 9)), Instant.MAX);

    List<JobLifecycle.Deleted> pruned = lifecycle.prune(1);

    assertThat(pruned).extracting(JobLifecycle.Deleted::jobId).containsExactly("job-2", "job-1");
    assertThat(fixture.jobs.get("job-3")).isPresent();
    assertThat(fixture.jobs.get("job-running").orElseThrow().status())
        .isEqualTo(JobStatus.EMBEDDING);
    assertThat(fixture.blobs.list(Keys.VECTORS))
        .isNotEmpty()
        .noneMatch(key -> key.startsWith("vectors/job-1/") || key.startsWith("vectors/job-2/"));
  }
}
