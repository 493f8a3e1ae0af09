package io.signalhub.indexing.core.pipeline;

import io.signalhub.indexing.core.ProviderCaller;
import io.signalhub.indexing.core.cache.EmbeddingCache;
import io.signalhub.indexing.core.job.BatchResult;
import io.signalhub.indexing.core.job.BatchState;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStore;
import io.signalhub.indexing.core.metrics.PipelineMetrics;
import io.signalhub.indexing.core.progress.ProgressTracker;
import io.signalhub.indexing.core.provider.EmbeddingException;
import io.signalhub.indexing.core.retry.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.logging.Logger;

/**
 * The embedder function's service: embeds one queued batch message and accounts it exactly once.
 *
 * <p>Order matters: vectors and cache entries are written first (idempotent overwrites), then the
 * batch is accounted in one atomic write with its marker. A crash between the two leaves the marker
 * PENDING, so the redelivered message redoes the (idempotent) writes and counts once; a redelivery
 * after the accounting sees DONE and does nothing.
 */
public final class EmbedderService {

  private static final Logger LOG = Logger.getLogger(EmbedderService.class.getName());

  /** What became of a message, for the handler's partial batch response. */
  public enum Outcome {
    /** Counted now: delete the message. */
    ACCOUNTED,
    /** Counted before (a redelivery): delete the message. */
    ALREADY_ACCOUNTED,
    /**
     * Unknown job or batch, not a batch message, or a job that was cancelled or failed: delete it,
     * without calling the provider.
     */
    DISCARDED,
    /** A retryable failure with receives left: let SQS redeliver it. */
    RETRY
  }

  private final PipelineSettings settings;
  private final JobStore jobs;
  private final BlobStore blobs;
  private final EmbeddingCache cache;
  private final ProviderCaller embedder;
  private final Clock clock;
  private final TwinVectors twins;
  private final BatchAccounting accounting;

  /**
   * Per-job gates for jobs that set {@code concurrency} (manifest settings): at most that many of
   * the job's batches are embedded at once in this process. One entry per such job seen; a Lambda
   * instance or a local stack sees few.
   */
  private final Map<String, Semaphore> jobSlots = new ConcurrentHashMap<>();

  /**
   * @param sleeper waits between looks for the vectors of twins (see {@link BatchPayload})
   * @param metrics told of each batch counted ({@link PipelineMetrics#NONE}: nobody)
   */
  public EmbedderService(
      PipelineSettings settings,
      JobStore jobs,
      BlobStore blobs,
      EmbeddingCache cache,
      ProviderCaller embedder,
      Clock clock,
      Sleeper sleeper,
      PipelineMetrics metrics) {
    this.settings = settings;
    this.twins = new TwinVectors(jobs, cache, clock, sleeper, settings.twinWait());
    this.jobs = jobs;
    this.blobs = blobs;
    this.cache = cache;
    this.embedder = embedder;
    this.clock = clock;
    this.accounting = new BatchAccounting(jobs, clock, metrics);
  }

  /**
   * @param receiveCount SQS's ApproximateReceiveCount: on the last receive before the DLQ, a
   *     failure is counted instead of retried, so the job still finishes
   */
  public Outcome process(BatchMessage message, int receiveCount) {
    Instant started = clock.instant();
    BatchState state = jobs.batchState(message.jobId(), message.seq());
    if (state == BatchState.DONE) {
      return Outcome.ALREADY_ACCOUNTED;
    }
    Optional<JobRecord> job = jobs.get(message.jobId());
    if (state == BatchState.MISSING || job.isEmpty()) {
      LOG.warning(() -> "Discarding batch " + message.id() + ": no such job or batch");
      return Outcome.DISCARDED;
    }
    if (job.get().status().stopped()) {
      LOG.fine(() -> "Dropping batch " + message.id() + ": the job is " + job.get().status());
      return Outcome.DISCARDED;
    }
    int expected = jobs.batchChunkCount(message.jobId(), message.seq());
    Semaphore slots =
        job.get().spec().concurrency() > 0
            ? jobSlots.computeIfAbsent(
                job.get().jobId(), id -> new Semaphore(job.get().spec().concurrency(), true))
            : null;
    if (slots != null) {
      try {
        slots.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Outcome.RETRY;
      }
    }
    try {
      if (slots != null && jobs.get(message.jobId()).map(j -> j.status().stopped()).orElse(true)) {
        // cancelled or failed while this batch waited for one of the job's slots
        LOG.fine(() -> "Dropping batch " + message.id() + ": its job ended while it waited");
        return Outcome.DISCARDED;
      }
      return embedAndAccount(job.get(), message, expected, receiveCount, started);
    } finally {
      if (slots != null) {
        slots.release();
      }
    }
  }

  private Outcome embedAndAccount(
      JobRecord job, BatchMessage message, int expected, int receiveCount, Instant started) {
    BatchResult result;
    try {
      result = embed(job, message, expected);
    } catch (EmbeddingException e) {
      if (e.isUnreachable() && neverReachedProvider(message.jobId())) {
        // A wrong URL or a provider that is not running: redelivering for maxReceiveCount
        // visibility timeouts (15 minutes by default) cannot help, and every other batch would
        // wait as long. Once any batch of the job has been embedded, the same error is an outage
        // and is retried like any other.
        jobs.fail(
            message.jobId(),
            "cannot reach the embedding provider ("
                + e.getMessage()
                + "): check its URL (--base-url, OPENAI_BASE_URL) and that it is running",
            clock.instant());
        return Outcome.DISCARDED;
      }
      boolean lastReceive = receiveCount >= settings.maxReceiveCount();
      if (e.kind() != EmbeddingException.Kind.FATAL && !lastReceive) {
        LOG.warning(
            () ->
                "Batch "
                    + message.id()
                    + " will be retried (receive "
                    + receiveCount
                    + "): "
                    + e.getMessage());
        return Outcome.RETRY;
      }
      result =
          BatchAccounting.allFailed(
              message,
              expected,
              (lastReceive ? "gave up after " + receiveCount + " receives: " : "")
                  + e.getMessage());
    } catch (BlobStore.BlobNotFoundException | IllegalArgumentException e) {
      result =
          BatchAccounting.allFailed(message, expected, "batch payload unusable: " + e.getMessage());
    }
    return accounting.account(message, result, started, job.spec().model());
  }

  /** No batch of the job has had an answer from the provider yet. */
  private boolean neverReachedProvider(String jobId) {
    return jobs.get(jobId)
        .map(j -> j.counters().apiCalls() == 0 && j.counters().completed() == j.counters().cached())
        .orElse(true);
  }

  private BatchResult embed(JobRecord job, BatchMessage message, int expected) {
    if (!job.spec().model().equals(embedder.provider().model())) {
      throw EmbeddingException.fatal(
          "this embedder runs "
              + embedder.provider().model()
              + " but job "
              + job.jobId()
              + " needs "
              + job.spec().model());
    }
    BatchContents contents =
        BatchContents.load(
            blobs, cache, job.spec().model(), job.spec().dimensions(), message, expected);
    int cachedUnique = contents.cachedUnique();
    ProgressTracker tracker = new ProgressTracker(clock, Duration.ofMinutes(1));
    Map<String, Long> twinOf = contents.missingTwins();
    buy(
        contents,
        contents.missing().stream().filter(key -> !twinOf.containsKey(key)).toList(),
        tracker);
    if (!twinOf.isEmpty()) {
      contents.found(twins.await(message.jobId(), twinOf));
      List<String> orphans = contents.missing().stream().filter(twinOf::containsKey).toList();
      if (!orphans.isEmpty()) {
        LOG.info(
            () ->
                "Batch "
                    + message.id()
                    + " embeds "
                    + orphans.size()
                    + " repeated texts itself: their earlier batches did not cache them in time");
      }
      buy(contents, orphans, tracker);
    }
    LOG.fine(() -> "Batch " + message.id() + ": " + cachedUnique + " unique cache hits");
    return contents.write(
        blobs, settings.vectorEncoding(), BatchContents.Usage.of(tracker.snapshot()));
  }

  /** Embeds the texts of {@code missing} now; see {@link BatchContents#bought}. */
  private void buy(BatchContents contents, List<String> missing, ProgressTracker tracker) {
    if (missing.isEmpty()) {
      return;
    }
    List<ProviderCaller.Input> inputs =
        missing.stream()
            .map(contents::chunk)
            .map(chunk -> new ProviderCaller.Input(chunk.text(), chunk.tokens()))
            .toList();
    List<ProviderCaller.Outcome> outcomes = embedder.embed(inputs, tracker);
    Map<String, float[]> fresh = new HashMap<>();
    Map<String, String> failures = new HashMap<>();
    for (int i = 0; i < missing.size(); i++) {
      if (outcomes.get(i).succeeded()) {
        fresh.put(missing.get(i), outcomes.get(i).vector());
      } else {
        failures.put(missing.get(i), outcomes.get(i).failure());
      }
    }
    contents.bought(cache, fresh, failures);
  }
}
