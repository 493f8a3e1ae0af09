package io.signalhub.indexing.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStatus;
import io.signalhub.indexing.core.job.JobStore;
import io.signalhub.indexing.core.provider.EmbeddingException;
import io.signalhub.indexing.core.source.SkipReason;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Invariant 9, every job ends: cancelled, unreachable provider, nothing to index. */
class JobEndingsTest {

  private final PipelineFixture fixture = new PipelineFixture();

  private JobRecord job(String id) {
    return fixture.jobs.get(id).orElseThrow();
  }

  private static EmbeddingException connectionRefused() {
    return EmbeddingException.retryable(
        "Embedding request failed: java.net.ConnectException",
        new ConnectException("Connection refused"));
  }

  /** Uploads job {@code jobId} (six files of ten lines), fans it out and drains its batches. */
  private List<BatchMessage> fannedOut(String jobId) {
    String key = fixture.upload(jobId, PipelineFixture.sources(6, 10));
    fixture.fanOut().fanOut(key, Instant.MAX);
    return fixture.queue.drain();
  }

  @Test
  void aCancelledJobsBatchesAreDroppedWithoutCallingTheProvider() {
    List<BatchMessage> queued = fannedOut("job-cancel");
    EmbedderService embedder = fixture.embedder();
    assertThat(embedder.process(queued.get(0), 1)).isEqualTo(EmbedderService.Outcome.ACCOUNTED);
    int callsBefore = fixture.provider.calls();

    assertThat(
            fixture.jobs.cancel(
                "job-cancel", "cancelled by the user (Ctrl-C)", fixture.clock.instant()))
        .isTrue();

    for (BatchMessage message : queued.subList(1, queued.size())) {
      assertThat(embedder.process(message, 1)).isEqualTo(EmbedderService.Outcome.DISCARDED);
    }
    assertThat(fixture.provider.calls()).isEqualTo(callsBefore);
    JobRecord job = job("job-cancel");
    assertThat(job.status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(job.status().terminal()).isTrue();
    assertThat(job.state().reason()).isEqualTo("cancelled by the user (Ctrl-C)");
    assertThat(job.state().finishedAt()).isNotNull();
    assertThat(fixture.jobs.cancel("job-cancel", "again", fixture.clock.instant())).isFalse();
    assertThat(fixture.jobs.tryFinish("job-cancel", fixture.clock.instant())).isEmpty();
  }

  @Test
  void aFanOutStopsRegisteringOnceItsJobIsCancelled() {
    PipelineFixture oneGroupAtATime = new PipelineFixture(Map.of("signal-hub.group-batches", "1"));
    String key = oneGroupAtATime.upload("job-stop", PipelineFixture.sources(20, 10));
    // the job is cancelled as soon as its first group is registered
    JobStore store = oneGroupAtATime.jobs;
    oneGroupAtATime.jobs =
        (JobStore)
            Proxy.newProxyInstance(
                JobStore.class.getClassLoader(),
                new Class<?>[] {JobStore.class},
                (proxy, method, args) -> {
                  Object result = invoke(method, store, args);
                  if (method.getName().equals("registerGroup")) {
                    store.cancel("job-stop", "cancelled", Instant.EPOCH);
                  }
                  return result;
                });

    assertThat(oneGroupAtATime.fanOut().fanOut(key, Instant.MAX))
        .isEqualTo(FanOutService.Outcome.STOPPED);

    JobRecord job = oneGroupAtATime.jobs.get("job-stop").orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(job.counters().batchesRegistered()).isEqualTo(1);
    assertThat(oneGroupAtATime.queue.sent()).hasSize(1);
  }

  private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Test
  void aProviderThatWasNeverReachedFailsTheJobAtOnceWithWhatToFix() {
    List<BatchMessage> queued = fannedOut("job-unreachable");
    fixture.provider.failNext(connectionRefused()).failNext(connectionRefused());

    assertThat(fixture.embedder().process(queued.get(0), 1))
        .isEqualTo(EmbedderService.Outcome.DISCARDED);

    JobRecord job = job("job-unreachable");
    assertThat(job.status()).isEqualTo(JobStatus.FAILED);
    assertThat(job.state().reason())
        .startsWith("cannot reach the embedding provider")
        .contains("--base-url");
    int calls = fixture.provider.calls();
    for (BatchMessage message : queued.subList(1, queued.size())) {
      assertThat(fixture.embedder().process(message, 1))
          .isEqualTo(EmbedderService.Outcome.DISCARDED);
    }
    assertThat(fixture.provider.calls()).isEqualTo(calls);
  }

  @Test
  void anOutageAfterTheProviderAnsweredIsRetriedNotFatal() {
    List<BatchMessage> queued = fannedOut("job-outage");
    EmbedderService embedder = fixture.embedder();
    embedder.process(queued.get(0), 1);
    fixture.provider.failNext(connectionRefused()).failNext(connectionRefused());

    assertThat(embedder.process(queued.get(1), 1)).isEqualTo(EmbedderService.Outcome.RETRY);
    assertThat(job("job-outage").status()).isEqualTo(JobStatus.EMBEDDING);
  }

  @Test
  void anEmptyManifestFailsWithNothingToIndex() {
    String key = fixture.upload("job-empty", Map.of());

    fixture.fanOut().fanOut(key, Instant.MAX);

    JobRecord job = job("job-empty");
    assertThat(job.status()).isEqualTo(JobStatus.FAILED);
    assertThat(job.state().reason()).isEqualTo("nothing to index: the manifest lists no files");
  }

  @Test
  void aManifestWhoseEveryFileFailedFailsWithTheFirstReason() {
    String key = fixture.upload("job-all-bad", PipelineFixture.sources(2, 3));
    fixture.blobs.put("sources/acme/pkg/module0.py", "changed".getBytes(StandardCharsets.UTF_8));
    fixture.blobs.delete(List.of("sources/acme/pkg/module1.py"));

    fixture.fanOut().fanOut(key, Instant.MAX);

    JobRecord job = job("job-all-bad");
    assertThat(job.status()).isEqualTo(JobStatus.FAILED);
    assertThat(job.counters().skippedFiles()).containsEntry(SkipReason.UNREADABLE, 2L);
    assertThat(job.state().reason())
        .startsWith("nothing to index: none of the 2 files in the manifest yielded a chunk")
        .contains("unreadable 2")
        .contains("pkg/module0.py: content does not match the manifest's sha256");
  }

  @Test
  void theStatusApiReportsACancelledJobAsEnded() {
    String key = fixture.upload("job-view", PipelineFixture.sources(2, 3));
    fixture.fanOut().fanOut(key, Instant.MAX);
    fixture.jobs.cancel("job-view", "cancelled with scripts/jobs cancel", fixture.clock.instant());

    JobView view = new JobStatusService(fixture.jobs, fixture.clock).job("job-view").orElseThrow();

    assertThat(view.status()).isEqualTo("CANCELLED");
    assertThat(view.reason()).isEqualTo("cancelled with scripts/jobs cancel");
    assertThat(view.etaSeconds()).isZero();
    assertThat(view.chunksPerSecond()).isZero();
    assertThat(view.finishedAt()).isNotNull();
  }
}
