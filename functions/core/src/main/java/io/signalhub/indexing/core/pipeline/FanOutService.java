package io.signalhub.indexing.core.pipeline;

import io.signalhub.indexing.core.batch.Batch;
import io.signalhub.indexing.core.batch.BatchBounds;
import io.signalhub.indexing.core.batch.Batcher;
import io.signalhub.indexing.core.cache.CacheKey;
import io.signalhub.indexing.core.cache.EmbeddingCache;
import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.core.chunk.ChunkingOptions;
import io.signalhub.indexing.core.chunk.CodeChunker;
import io.signalhub.indexing.core.job.BatchState;
import io.signalhub.indexing.core.job.Cursor;
import io.signalhub.indexing.core.job.Failure;
import io.signalhub.indexing.core.job.GroupRegistration;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStatus;
import io.signalhub.indexing.core.job.JobStore;
import io.signalhub.indexing.core.job.RegisteredBatch;
import io.signalhub.indexing.core.manifest.InvalidManifestException;
import io.signalhub.indexing.core.manifest.ManifestFile;
import io.signalhub.indexing.core.manifest.ManifestHeader;
import io.signalhub.indexing.core.manifest.ManifestReader;
import io.signalhub.indexing.core.metrics.PipelineMetrics;
import io.signalhub.indexing.core.provider.ModelProfile;
import io.signalhub.indexing.core.ratelimit.RateBudget;
import io.signalhub.indexing.core.secret.SecretFiles;
import io.signalhub.indexing.core.secret.SecretPolicy;
import io.signalhub.indexing.core.source.SkipReason;
import io.signalhub.indexing.core.source.SourceText;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Turns a manifest into registered, enqueued batches: validates it whole before enqueuing anything,
 * streams its files (constant memory), chunks them, counts cached chunks as done, packs the rest
 * into token-budgeted batches and sends them in groups of up to 10.
 *
 * <p>Exactly-once, across duplicate events, crashes and continuations: one invocation at a time
 * holds the job's lease; each group's payloads are written to the bucket, then the group is
 * registered atomically with the cursor (batches, cached chunks, skipped files), then sent. A
 * resumed fan-out first resends the last group's batches that are still pending (byte-identical,
 * from the bucket; the embedder ignores duplicates), then continues from the cursor.
 */
public final class FanOutService {

  private static final Logger LOG = Logger.getLogger(FanOutService.class.getName());
  private static final int CACHE_LOOKUP_WINDOW = 100;

  /** Texts remembered per invocation for twin detection (about 10 MB of keys). */
  private static final int TWIN_MEMORY = 50_000;

  /** Cached vectors held before a group is flushed to bound memory (about 1.5 MB at 384 dims). */
  private static final int MAX_CACHED_VECTORS_PER_GROUP = 1000;

  /** What one invocation did. */
  public enum Outcome {
    /** Everything registered; the job's total is final. */
    COMPLETED,
    /** Time ran short; the cursor is saved and a continuation must resume the job. */
    CONTINUE,
    /** The manifest is invalid; the job is FAILED with the reason. */
    FAILED,
    /** Another invocation holds the lease, or the fan-out was already done. */
    SKIPPED,
    /** The job was cancelled (or failed) while fanning out; nothing more was registered. */
    STOPPED,
    /** Not a manifest key. */
    IGNORED
  }

  private final PipelineSettings settings;
  private final JobStore jobs;
  private final BlobStore blobs;
  private final BatchQueue queue;
  private final EmbeddingCache cache;
  private final ModelProfile model;
  private final Clock clock;
  private final PipelineMetrics metrics;

  public FanOutService(
      PipelineSettings settings,
      JobStore jobs,
      BlobStore blobs,
      BatchQueue queue,
      EmbeddingCache cache,
      ModelProfile model,
      Clock clock) {
    this(settings, jobs, blobs, queue, cache, model, clock, PipelineMetrics.NONE);
  }

  public FanOutService(
      PipelineSettings settings,
      JobStore jobs,
      BlobStore blobs,
      BatchQueue queue,
      EmbeddingCache cache,
      ModelProfile model,
      Clock clock,
      PipelineMetrics metrics) {
    this.metrics = metrics;
    this.settings = settings;
    this.jobs = jobs;
    this.blobs = blobs;
    this.queue = queue;
    this.cache = cache;
    this.model = model;
    this.clock = clock;
  }

  /**
   * Fans out the job of a manifest key (an S3 event or a continuation).
   *
   * @param deadline when this invocation must have stopped (Lambda's remaining time)
   */
  public Outcome fanOut(String manifestKey, Instant deadline) {
    Optional<String> jobId = Keys.jobIdOf(manifestKey);
    if (jobId.isEmpty()) {
      LOG.info(() -> "Ignoring " + manifestKey + ": not manifests/<job-id>.json");
      return Outcome.IGNORED;
    }
    String id = jobId.get();
    JobRecord job =
        jobs.createIfAbsent(
            JobRecord.pending(
                id,
                manifestKey,
                model.provider(),
                model.model(),
                model.dimensions(),
                clock.instant()));
    String owner = UUID.randomUUID().toString();
    if (!jobs.acquireFanoutLease(
        id, owner, clock.instant(), clock.instant().plus(settings.fanoutLease()))) {
      LOG.info(() -> "Job " + id + " is done fanning out or another invocation holds its lease");
      return Outcome.SKIPPED;
    }
    try {
      if (!job.model().equals(model.model())) {
        jobs.fail(
            id,
            "job was created for model "
                + job.model()
                + " but this deployment embeds with "
                + model.model(),
            clock.instant());
        return Outcome.FAILED;
      }
      ManifestReader.Summary manifest;
      try {
        manifest = validate(manifestKey);
      } catch (InvalidManifestException e) {
        jobs.fail(id, "invalid manifest: " + e.getMessage(), clock.instant());
        return Outcome.FAILED;
      }
      ManifestHeader.JobSettings overrides = manifest.header().settings();
      jobs.describe(
          id,
          manifest.header().repository(),
          manifest.header().revision(),
          manifest.files(),
          overrides.chunkTokens() > 0 ? overrides.chunkTokens() : settings.chunkTokens(),
          overrides.chunkTokens() > 0 || overrides.overlapLines() > 0
              ? overrides.overlapLines()
              : settings.overlapLines(),
          overrides.batchSize() > 0 ? overrides.batchSize() : settings.batchSize(),
          overrides.concurrency(),
          clock.instant());
      JobRecord described = jobs.get(id).orElseThrow();
      resendPendingBatches(described);
      return new Run(described, manifest.header(), manifest.files(), deadline).stream(manifestKey);
    } finally {
      jobs.releaseFanoutLease(id, owner);
    }
  }

  private ManifestReader.Summary validate(String manifestKey) throws InvalidManifestException {
    long size =
        blobs
            .size(manifestKey)
            .orElseThrow(() -> new InvalidManifestException("no object at " + manifestKey));
    if (size > settings.manifestLimits().maxBytes()) {
      throw new InvalidManifestException(
          "the manifest is "
              + size
              + " bytes, over the limit of "
              + settings.manifestLimits().maxBytes());
    }
    try (InputStream in = blobs.open(manifestKey)) {
      return new ManifestReader(settings.manifestLimits()).validate(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Batches of the last group may have been registered but not sent when a fan-out crashed. */
  private void resendPendingBatches(JobRecord job) {
    List<BatchMessage> pending = new ArrayList<>();
    for (long seq = job.lastGroupFirstSeq(); seq < job.nextSeq(); seq++) {
      if (jobs.batchState(job.jobId(), seq) == BatchState.PENDING) {
        pending.add(
            new BatchMessage(
                job.jobId(),
                seq,
                jobs.batchSize(job.jobId(), seq),
                Keys.batchPayload(job.jobId(), seq)));
      }
    }
    if (!pending.isEmpty()) {
      LOG.info(() -> "Resending " + pending.size() + " pending batches of job " + job.jobId());
      for (int i = 0; i < pending.size(); i += 10) {
        queue.send(pending.subList(i, Math.min(pending.size(), i + 10)));
      }
    }
  }

  /** The job reached a terminal state (cancelled, failed) while this fan-out ran. */
  private static final class JobStopped extends RuntimeException {
    final JobStatus status;

    JobStopped(JobStatus status) {
      super(null, null, false, false);
      this.status = status;
    }
  }

  /** A chunk and where it is in the job's chunk stream. */
  private record Positioned(Cursor position, Chunk chunk, String key, long twinOf) {
    Positioned(Cursor position, Chunk chunk, String key) {
      this(position, chunk, key, BatchPayload.NOT_A_TWIN);
    }

    Positioned twinOf(long batch) {
      return new Positioned(position, chunk, key, batch);
    }
  }

  /** Counts that belong to a range of the chunk stream. */
  private static final class Tally {
    long cached;
    long filesRead;
    final Map<SkipReason, Long> skipped = new EnumMap<>(SkipReason.class);
    final List<Failure> failures = new ArrayList<>();

    /** Vector records of the cached chunks, so a job's vectors/ folder is complete. */
    final List<String> cachedVectors = new ArrayList<>();

    void addTo(Tally other) {
      other.cachedVectors.addAll(cachedVectors);
      other.cached += cached;
      other.filesRead += filesRead;
      skipped.forEach((reason, count) -> other.skipped.merge(reason, count, Long::sum));
      other.failures.addAll(failures);
    }
  }

  /** One invocation's walk from the job's cursor. */
  private final class Run {
    private final JobRecord job;
    private final ManifestHeader header;
    private final long fileCount;
    private final Instant deadline;
    private final CodeChunker chunker;
    private final Batcher<Positioned>.Packer packer;
    private final List<Batch<Positioned>> groupBatches = new ArrayList<>();
    private final List<Positioned> window = new ArrayList<>();

    /**
     * The batch that carries each text this invocation batched (the most recent {@value
     * #TWIN_MEMORY}), so a repeated text is embedded once: later copies become twins of it.
     */
    private final Map<String, Long> firstBatchOfText =
        new java.util.LinkedHashMap<>() {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > TWIN_MEMORY;
          }
        };

    /** Counts before the open batch's first chunk: they go with the next group. */
    private Tally group = new Tally();

    /** Counts after the open batch's first chunk: they follow that batch. */
    private Tally deferred = new Tally();

    private Cursor groupFrom;
    private int groupsFlushed;

    Run(JobRecord job, ManifestHeader header, long fileCount, Instant deadline) {
      this.job = job;
      this.header = header;
      this.fileCount = fileCount;
      this.deadline = deadline;
      this.chunker =
          new CodeChunker(
              model.tokenCounter(),
              ChunkingOptions.forProvider(model.limits(), job.chunkTokens(), job.overlapLines()));
      Batcher<Positioned> batcher =
          new Batcher<>(
              // a batch larger than the tokens/min quota could never be served; quotas learned
              // later are applied by the embedder, which cuts a registered batch into requests
              BatchBounds.forProvider(
                  model.limits(),
                  job.batchSize(),
                  RateBudget.batchTokenBudget(settings.tokensPerMinute())),
              p -> p.chunk().tokens(),
              p -> Batcher.jsonStringBytes(p.chunk().text()));
      this.packer = batcher.packer(job.nextSeq());
      this.groupFrom = job.cursor();
    }

    Outcome stream(String manifestKey) {
      try {
        return streamFromCursor(manifestKey);
      } catch (JobStopped stopped) {
        LOG.info(() -> "Job " + job.jobId() + " stopped while fanning out: " + stopped.status);
        return Outcome.STOPPED;
      }
    }

    private Outcome streamFromCursor(String manifestKey) {
      Cursor start = job.cursor();
      try (InputStream in = blobs.open(manifestKey)) {
        Iterator<ManifestFile> files = new ManifestReader(settings.manifestLimits()).files(in);
        for (long index = 0; files.hasNext(); index++) {
          ManifestFile file = files.next();
          if (index < start.file()) {
            continue;
          }
          // at least one file per invocation, so a continuation always makes progress
          if (index > start.file()
              && clock.instant().isAfter(deadline.minus(settings.fanoutSafetyMargin()))) {
            drainWindow();
            closeOpenBatch();
            flush(new Cursor(index, 0));
            jobs.confirmSent(job.jobId(), packer.nextSequence());
            return Outcome.CONTINUE;
          }
          read(index, file, index == start.file() ? start.chunk() : 0);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      drainWindow();
      closeOpenBatch();
      flush(new Cursor(fileCount, 0));
      jobs.confirmSent(job.jobId(), packer.nextSequence());
      jobs.completeFanout(job.jobId(), clock.instant());
      JobRecord fannedOut = jobs.get(job.jobId()).orElseThrow();
      if (fannedOut.total() == 0) {
        jobs.fail(job.jobId(), nothingToIndex(fannedOut), clock.instant());
        return Outcome.COMPLETED;
      }
      jobs.tryFinish(job.jobId(), clock.instant());
      return Outcome.COMPLETED;
    }

    /** Why a job with no chunk at all ends FAILED rather than an empty COMPLETED. */
    private String nothingToIndex(JobRecord done) {
      if (done.files() == 0) {
        return "nothing to index: the manifest lists no files";
      }
      StringBuilder reason =
          new StringBuilder("nothing to index: none of the ")
              .append(done.files())
              .append(done.files() == 1 ? " file" : " files")
              .append(" in the manifest yielded a chunk");
      if (!done.skippedFiles().isEmpty()) {
        StringBuilder skips = new StringBuilder();
        done.skippedFiles()
            .forEach(
                (why, count) ->
                    skips
                        .append(skips.length() == 0 ? "" : ", ")
                        .append(why.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '))
                        .append(' ')
                        .append(count));
        reason.append(" (skipped: ").append(skips).append(')');
      }
      jobs.failureSample(done.jobId(), 1)
          .forEach(
              f -> reason.append("; first: ").append(f.location()).append(": ").append(f.reason()));
      return reason.toString();
    }

    private Tally tally() {
      return packer.isEmpty() ? group : deferred;
    }

    private void read(long index, ManifestFile file, int firstChunk) {
      if (SecretFiles.matches(file.path())) {
        // never read: its content must not reach a chunk, a batch payload or a provider
        skip(SkipReason.SECRET_FILE, file.path(), null);
        return;
      }
      String key = header.sourcesPrefix() + file.path();
      byte[] bytes;
      try {
        bytes = blobs.read(key);
      } catch (BlobStore.BlobNotFoundException e) {
        skip(SkipReason.UNREADABLE, file.path(), "not in the bucket at " + key);
        return;
      }
      if (!Chunk.sha256Hex(bytes).equals(file.sha256())) {
        skip(
            SkipReason.UNREADABLE,
            file.path(),
            "content does not match the manifest's sha256 (changed after the manifest was written?)");
        return;
      }
      SourceText.Decoded decoded = SourceText.decode(bytes);
      if (decoded.text() == null) {
        skip(
            decoded.skipped(),
            file.path(),
            decoded.skipped() == SkipReason.NOT_UTF8 ? "not valid UTF-8" : null);
        return;
      }
      List<Chunk> chunks = chunker.chunk(file.path(), decoded.text()).chunks();
      for (int c = firstChunk; c < chunks.size(); c++) {
        SecretPolicy.Screened screened =
            settings.secrets().screen(chunks.get(c), model.tokenCounter());
        if (screened.reason() != null) {
          tally().skipped.merge(screened.reason(), 1L, Long::sum);
        }
        if (screened.chunk() == null) {
          continue;
        }
        Chunk chunk = screened.chunk();
        window.add(
            new Positioned(
                new Cursor(index, c),
                chunk,
                CacheKey.of(model.model(), model.dimensions(), chunk.text())));
        if (window.size() >= CACHE_LOOKUP_WINDOW) {
          drainWindow();
        }
      }
      drainWindow();
      tally().filesRead++;
    }

    private void skip(SkipReason reason, String path, String failure) {
      drainWindow();
      Tally tally = tally();
      tally.filesRead++;
      tally.skipped.merge(reason, 1L, Long::sum);
      if (failure != null) {
        tally.failures.add(new Failure(path, failure));
      }
    }

    /** Looks the window's chunks up in the cache, then batches the misses in order. */
    private void drainWindow() {
      if (window.isEmpty()) {
        return;
      }
      Map<String, float[]> hits =
          cache.getAll(window.stream().map(Positioned::key).distinct().toList());
      for (Positioned chunk : window) {
        float[] hit = hits.get(chunk.key());
        if (hit != null) {
          Tally tally = tally();
          tally.cached++;
          tally.cachedVectors.add(new VectorRecord(chunk.chunk(), model.model(), hit).toJsonLine());
          if (tally.cachedVectors.size() >= MAX_CACHED_VECTORS_PER_GROUP) {
            closeOpenBatch();
            flush(new Cursor(chunk.position().file(), chunk.position().chunk() + 1));
          }
          continue;
        }
        if (!packer.fits(chunk)) {
          closeOpenBatch();
          if (groupBatches.size() >= groupLimit()) {
            flush(chunk.position());
          }
        }
        long open = packer.nextSequence();
        Long first = firstBatchOfText.putIfAbsent(chunk.key(), open);
        packer.add(first == null || first == open ? chunk : chunk.twinOf(first));
      }
      window.clear();
    }

    /**
     * Batches per group: 1, 2, 4, ... up to {@code signal-hub.group-batches}. The embedders start
     * on the first batch instead of waiting for a full group; large jobs still send ten messages
     * per SendMessageBatch call and one registration transaction per ten batches.
     */
    private int groupLimit() {
      return (int) Math.min(settings.groupBatches(), 1L << Math.min(groupsFlushed, 30));
    }

    private void closeOpenBatch() {
      if (!packer.isEmpty()) {
        groupBatches.add(packer.drain());
        deferred.addTo(group);
        deferred = new Tally();
      }
    }

    /** Writes the group's payloads, registers it with the cursor, sends its messages. */
    private void flush(Cursor to) {
      if (groupBatches.isEmpty()
          && group.cached == 0
          && group.filesRead == 0
          && to.equals(groupFrom)) {
        return;
      }
      if (!group.cachedVectors.isEmpty()) {
        // keyed by the group's start: a resumed fan-out rewrites the same object, never a second
        // one
        blobs.put(
            Keys.cachedVectors(job.jobId(), groupFrom),
            (String.join("\n", group.cachedVectors) + "\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      List<RegisteredBatch> registered = new ArrayList<>();
      List<BatchMessage> messages = new ArrayList<>();
      for (Batch<Positioned> batch : groupBatches) {
        List<BatchPayload.Item> items =
            batch.items().stream().map(p -> new BatchPayload.Item(p.chunk(), p.twinOf())).toList();
        String payloadKey = Keys.batchPayload(job.jobId(), batch.sequence());
        blobs.put(payloadKey, BatchPayload.write(items));
        registered.add(new RegisteredBatch(batch.sequence(), items.size()));
        messages.add(new BatchMessage(job.jobId(), batch.sequence(), items.size(), payloadKey));
      }
      GroupRegistration registration =
          new GroupRegistration(
              groupFrom,
              to,
              registered,
              group.cached,
              group.filesRead,
              Map.copyOf(group.skipped),
              List.copyOf(group.failures));
      if (!jobs.registerGroup(job.jobId(), registration, clock.instant())) {
        JobStatus now = jobs.get(job.jobId()).map(JobRecord::status).orElse(JobStatus.CANCELLED);
        if (now.terminal()) {
          throw new JobStopped(now);
        }
        throw new IllegalStateException(
            "Job "
                + job.jobId()
                + ": the cursor moved away from "
                + groupFrom
                + " while this fan-out held the lease");
      }
      if (!messages.isEmpty()) {
        queue.send(messages);
      }
      metrics.groupRegistered(
          job.jobId(), registered.size(), registration.batchedChunks(), group.cached);
      if (!groupBatches.isEmpty()) {
        groupsFlushed++;
      }
      groupBatches.clear();
      group = new Tally();
      groupFrom = to;
    }
  }
}
