package io.signalhub.indexing.core.economy;

import io.signalhub.indexing.core.cache.EmbeddingCache;
import io.signalhub.indexing.core.job.BatchResult;
import io.signalhub.indexing.core.job.BatchState;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStore;
import io.signalhub.indexing.core.pipeline.BatchAccounting;
import io.signalhub.indexing.core.pipeline.BatchContents;
import io.signalhub.indexing.core.pipeline.BatchMessage;
import io.signalhub.indexing.core.pipeline.BatchQueue;
import io.signalhub.indexing.core.pipeline.BlobStore;
import io.signalhub.indexing.core.pipeline.Keys;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What economy mode runs on: the ports, the deployment's settings and the clock; and the reads its
 * parts share of a registered batch.
 *
 * @param api the provider's batch API; null when the provider has none
 * @param onDemand the queue the embedders read (on-demand batches and fallbacks)
 */
public record EconomyPorts(
    JobStore jobs,
    BlobStore blobs,
    EmbeddingCache cache,
    EconomyStore economy,
    ProviderBatchApi api,
    BatchQueue onDemand,
    PollScheduler polls,
    BatchAccounting accounting,
    EconomyConfig config,
    Clock clock) {

  /**
   * The batch's chunks, cache keys and cached vectors, read from its payload; {@code message} is
   * one {@link #message} built, so its chunk count is the marker's and is not read again.
   */
  BatchContents load(JobRecord job, BatchMessage message) {
    return BatchContents.load(
        blobs, cache, job.spec().model(), job.spec().dimensions(), message, message.chunks());
  }

  /** The queue message of a registered batch, rebuilt from its marker. */
  BatchMessage message(String jobId, long seq) {
    return new BatchMessage(
        jobId, seq, jobs.batchChunkCount(jobId, seq), Keys.batchPayload(jobId, seq));
  }

  boolean pending(String jobId, long seq) {
    return jobs.batchState(jobId, seq) == BatchState.PENDING;
  }

  /**
   * Whether the text under {@code key} is a twin (a text an earlier batch of the job carries) whose
   * earlier batch is still pending: its result or the cache will hold it.
   */
  boolean awaitsTwin(String jobId, BatchContents contents, String key) {
    Long origin = contents.twinOf(key);
    return origin != null && pending(jobId, origin);
  }

  /** Schedules poll number {@code polls + 1} of a submission after {@code delayIndex}'s delay. */
  void schedulePoll(String jobId, String submissionId, int polls, int delayIndex) {
    this.polls.schedule(
        new PollScheduler.PollRequest(jobId, submissionId, polls), config.pollDelay(delayIndex));
  }

  /**
   * Writes and counts one batch from its results, exactly as an on-demand batch is: a text with no
   * result line counts failed, a failed line with the provider's reason.
   *
   * @param byKey the result for each missing text (by cache key)
   * @param own the result lines billed to this batch
   */
  void account(
      JobRecord job,
      BatchContents contents,
      Map<String, ProviderBatchApi.Result> byKey,
      List<ProviderBatchApi.Result> own) {
    Instant started = clock.instant();
    Map<String, float[]> fresh = new HashMap<>();
    Map<String, String> failures = new HashMap<>();
    for (String key : contents.missing()) {
      ProviderBatchApi.Result result = byKey.get(key);
      if (result == null) {
        failures.put(key, "missing from the provider batch's output and error files");
      } else if (result.succeeded()) {
        fresh.put(key, result.vector());
      } else {
        failures.put(key, "provider batch: " + result.error());
      }
    }
    BatchResult result =
        contents.finish(
            blobs,
            cache,
            fresh,
            failures,
            new BatchContents.Usage(
                own.size(), own.stream().mapToLong(ProviderBatchApi.Result::tokens).sum(), 0, 0));
    accounting.account(contents.message(), result, started, job.spec().model());
  }

  /** {@code <seq>-<index of the chunk in the batch's payload>}: what a result line names. */
  static String customId(long seq, int chunkIndex) {
    return seq + "-" + chunkIndex;
  }
}
