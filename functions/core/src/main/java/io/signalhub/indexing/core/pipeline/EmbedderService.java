package io.signalhub.indexing.core.pipeline;

import io.signalhub.indexing.core.ProviderCaller;
import io.signalhub.indexing.core.cache.CacheKey;
import io.signalhub.indexing.core.cache.EmbeddingCache;
import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.core.job.BatchResult;
import io.signalhub.indexing.core.job.BatchState;
import io.signalhub.indexing.core.job.Failure;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStore;
import io.signalhub.indexing.core.metrics.PipelineMetrics;
import io.signalhub.indexing.core.progress.Progress;
import io.signalhub.indexing.core.progress.ProgressTracker;
import io.signalhub.indexing.core.provider.EmbeddingException;
import io.signalhub.indexing.core.retry.Sleeper;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
  private static final int FAILURE_SAMPLE = 5;

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

  public EmbedderService(
      PipelineSettings settings,
      JobStore jobs,
      BlobStore blobs,
      EmbeddingCache cache,
      ProviderCaller embedder,
      Clock clock) {
    this(settings, jobs, blobs, cache, embedder, clock, PipelineMetrics.NONE);
  }

  public EmbedderService(
      PipelineSettings settings,
      JobStore jobs,
      BlobStore blobs,
      EmbeddingCache cache,
      ProviderCaller embedder,
      Clock clock,
      PipelineMetrics metrics) {
    this(settings, jobs, blobs, cache, embedder, clock, Sleeper.system(), metrics);
  }

  /**
   * @param sleeper waits between looks for the vectors of twins (see {@link BatchPayload})
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
    // every sender writes the registered count into the message (BatchMessage#chunks), which
    // saves a second read of the marker per batch; a message without it reads the marker
    int expected =
        message.chunks() > 0
            ? message.chunks()
            : jobs.batchChunkCount(message.jobId(), message.seq());
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
      String reason =
          (lastReceive ? "gave up after " + receiveCount + " receives: " : "") + e.getMessage();
      result =
          BatchResult.allFailed(
              expected, reason, List.of(new Failure("batch " + message.seq(), reason)));
    } catch (BlobStore.BlobNotFoundException | IllegalArgumentException e) {
      String reason = "batch payload unusable: " + e.getMessage();
      result =
          BatchResult.allFailed(
              expected, reason, List.of(new Failure("batch " + message.seq(), reason)));
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
    List<BatchPayload.Item> items = BatchPayload.read(blobs.read(message.payloadKey()));
    if (items.size() != expected) {
      throw new IllegalArgumentException(
          "payload holds " + items.size() + " chunks, the batch was registered with " + expected);
    }
    List<Chunk> chunks = items.stream().map(BatchPayload.Item::chunk).toList();
    Map<String, Chunk> byKey = new LinkedHashMap<>();
    Map<String, Long> twinOf = new HashMap<>();
    List<String> keys = new ArrayList<>();
    for (BatchPayload.Item item : items) {
      String key = CacheKey.of(job.spec().model(), job.spec().dimensions(), item.chunk().text());
      keys.add(key);
      byKey.putIfAbsent(key, item.chunk());
      if (item.isTwin()) {
        twinOf.put(key, item.twinOf());
      }
    }
    Map<String, float[]> vectors = new HashMap<>(cache.getAll(byKey.keySet()));
    long cachedUnique = vectors.size();
    ProgressTracker tracker = new ProgressTracker(clock, Duration.ofMinutes(1));
    Map<String, String> failures = new HashMap<>();
    Set<String> fetched = new HashSet<>();
    List<String> own =
        byKey.keySet().stream()
            .filter(key -> !vectors.containsKey(key) && !twinOf.containsKey(key))
            .toList();
    embedMissing(own, byKey, tracker, vectors, failures, fetched);
    twinOf.keySet().removeAll(vectors.keySet());
    if (!twinOf.isEmpty()) {
      vectors.putAll(twins.await(message.jobId(), twinOf));
      List<String> orphans =
          twinOf.keySet().stream().filter(key -> !vectors.containsKey(key)).toList();
      if (!orphans.isEmpty()) {
        LOG.info(
            () ->
                "Batch "
                    + message.id()
                    + " embeds "
                    + orphans.size()
                    + " repeated texts itself: their earlier batches did not cache them in time");
      }
      embedMissing(orphans, byKey, tracker, vectors, failures, fetched);
    }
    writeVectors(message, chunks, keys, vectors, job.spec().model());
    long completed = 0;
    long cached = 0;
    List<Failure> sample = new ArrayList<>();
    for (int i = 0; i < chunks.size(); i++) {
      String key = keys.get(i);
      if (vectors.containsKey(key)) {
        completed++;
        // the first copy of a text embedded now is paid for; its repeats in the batch are not
        if (!fetched.remove(key)) {
          cached++;
        }
      } else if (sample.size() < FAILURE_SAMPLE) {
        sample.add(new Failure(chunks.get(i).location(), failures.get(key)));
      }
    }
    Progress usage = tracker.snapshot();
    LOG.fine(() -> "Batch " + message.id() + ": " + cachedUnique + " unique cache hits");
    return new BatchResult(
        completed,
        chunks.size() - completed,
        cached,
        usage.apiCalls(),
        usage.tokens(),
        usage.throttled(),
        usage.retries(),
        sample);
  }

  /**
   * Embeds {@code missing} and caches the vectors at once, so twins of these texts in other batches
   * find them without waiting for this batch to be accounted.
   */
  private void embedMissing(
      List<String> missing,
      Map<String, Chunk> byKey,
      ProgressTracker tracker,
      Map<String, float[]> vectors,
      Map<String, String> failures,
      Set<String> fetched) {
    if (missing.isEmpty()) {
      return;
    }
    List<ProviderCaller.Input> inputs =
        missing.stream()
            .map(key -> new ProviderCaller.Input(byKey.get(key).text(), byKey.get(key).tokens()))
            .toList();
    List<ProviderCaller.Outcome> outcomes = embedder.embed(inputs, tracker);
    Map<String, float[]> fresh = new HashMap<>();
    for (int i = 0; i < missing.size(); i++) {
      if (outcomes.get(i).succeeded()) {
        fresh.put(missing.get(i), outcomes.get(i).vector());
      } else {
        failures.put(missing.get(i), outcomes.get(i).failure());
      }
    }
    vectors.putAll(fresh);
    fetched.addAll(missing);
    cache.putAll(fresh);
  }

  private void writeVectors(
      BatchMessage message,
      List<Chunk> chunks,
      List<String> keys,
      Map<String, float[]> vectors,
      String model) {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < chunks.size(); i++) {
      float[] vector = vectors.get(keys.get(i));
      if (vector != null) {
        lines
            .append(
                new VectorRecord(chunks.get(i), model, vector)
                    .toJsonLine(settings.vectorEncoding()))
            .append('\n');
      }
    }
    blobs.put(
        Keys.vectors(message.jobId(), message.seq()),
        lines.toString().getBytes(StandardCharsets.UTF_8));
  }
}
