package io.signalhub.indexing.core.economy;

import io.signalhub.indexing.core.cache.EmbeddingCache;
import io.signalhub.indexing.core.job.BatchResult;
import io.signalhub.indexing.core.job.BatchState;
import io.signalhub.indexing.core.job.Failure;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStore;
import io.signalhub.indexing.core.manifest.InvalidManifestException;
import io.signalhub.indexing.core.manifest.ManifestHeader;
import io.signalhub.indexing.core.manifest.ManifestLimits;
import io.signalhub.indexing.core.manifest.ManifestReader;
import io.signalhub.indexing.core.pipeline.BatchAccounting;
import io.signalhub.indexing.core.pipeline.BatchContents;
import io.signalhub.indexing.core.pipeline.BatchMessage;
import io.signalhub.indexing.core.pipeline.BatchQueue;
import io.signalhub.indexing.core.pipeline.BlobStore;
import io.signalhub.indexing.core.pipeline.Keys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Economy mode: registered batches go to the provider's batch API instead of the on-demand queue,
 * and come back through the same accounting as on-demand batches.
 *
 * <p><b>Submit</b> ({@link #send}, the batch queue's producer side): the registered batches of one
 * send are claimed for one submission ({@code s<first seq>}), their chunks not yet cached become
 * request lines ({@code custom_id = <seq>-<chunk index>}), packed into input files within the
 * provider's per-file limits, and each file is created as a provider batch; a poll is scheduled. A
 * resent batch (a resumed fan-out) finds itself claimed and is not submitted twice.
 *
 * <p><b>Poll</b> ({@link #poll}): a provider batch still running schedules the next poll (doubling
 * delays, nothing waits idle); a completed one has each of its still-pending batches finished by
 * {@link BatchContents} (vectors matched by {@code custom_id}, error lines counted failed with the
 * provider's reason) and counted by {@link BatchAccounting} — its marker makes a second count
 * impossible. An expired, cancelled or failed provider batch keeps what it did finish (whole
 * batches are counted, partial vectors go to the cache, so nothing is paid twice) and hands the
 * rest on per the job's fallback: on demand (the default), resubmitted, or failed with the reason.
 */
public final class EconomyService {

  private static final Logger LOG = Logger.getLogger(EconomyService.class.getName());

  private final JobStore jobs;
  private final BlobStore blobs;
  private final EmbeddingCache cache;
  private final EconomyStore economy;
  private final ProviderBatchApi api;
  private final BatchQueue onDemand;
  private final PollScheduler polls;
  private final BatchAccounting accounting;
  private final EconomyConfig config;
  private final Clock clock;
  private final Map<String, EconomySettings> modes = new ConcurrentHashMap<>();
  private final String unavailable;

  /** Why an economy job fails when there is no batch API (the default names the providers). */
  private static final String NO_BATCH_API =
      "economy mode needs a provider with a batch API (openai, or bedrock with Titan Text"
          + " Embeddings V2 and signal-hub.bedrock.batch-role-arn); set mode on-demand or"
          + " deploy with one of those";

  /**
   * @param api the provider's batch API; null when the provider has none (economy jobs then fail
   *     with what to change)
   * @param onDemand the queue the embedders read (on-demand batches and fallbacks)
   */
  public EconomyService(
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
    this(
        jobs, blobs, cache, economy, api, onDemand, polls, accounting, config, clock, NO_BATCH_API);
  }

  private EconomyService(
      JobStore jobs,
      BlobStore blobs,
      EmbeddingCache cache,
      EconomyStore economy,
      ProviderBatchApi api,
      BatchQueue onDemand,
      PollScheduler polls,
      BatchAccounting accounting,
      EconomyConfig config,
      Clock clock,
      String unavailable) {
    this.unavailable = unavailable;
    this.jobs = jobs;
    this.blobs = blobs;
    this.cache = cache;
    this.economy = economy;
    this.api = api;
    this.onDemand = onDemand;
    this.polls = polls;
    this.accounting = accounting;
    this.config = config;
    this.clock = clock;
  }

  /**
   * This service without a batch API: on-demand jobs go on as before, an economy job fails at once
   * with {@code reason} (where economy mode cannot run, rather than paying on-demand prices).
   */
  public EconomyService unavailableBecause(String reason) {
    return new EconomyService(
        jobs, blobs, cache, economy, null, onDemand, polls, accounting, config, clock, reason);
  }

  /** A batch queue that sends economy jobs' batches to the provider's batch API. */
  public BatchQueue queue() {
    return this::send;
  }

  /** What one poll found. */
  public enum PollOutcome {
    /** The provider batch is still running; the next poll is scheduled. */
    WAITING,
    /** Its batches were counted or handed on now. */
    SETTLED,
    /** Nothing to do: settled before (a redelivery), or its job is gone. */
    NOTHING
  }

  /** Sends the messages of one job (a fan-out group) on demand or to the batch API. */
  public void send(List<BatchMessage> messages) {
    if (messages.isEmpty()) {
      return;
    }
    String jobId = messages.get(0).jobId();
    if (!settings(jobId).economy()) {
      onDemand.send(messages);
      return;
    }
    if (api == null) {
      jobs.fail(jobId, unavailable, clock.instant());
      return;
    }
    submit(jobId, "s" + messages.get(0).seq(), 0, messages, null);
  }

  /** The job's mode: recorded, else from its manifest's settings over the deployment's. */
  public EconomySettings settings(String jobId) {
    return modes.computeIfAbsent(
        jobId, id -> economy.mode(id).orElseGet(() -> economy.modeIfAbsent(id, fromManifest(id))));
  }

  private EconomySettings fromManifest(String jobId) {
    EconomySettings defaults = config.defaults();
    ManifestHeader.JobSettings manifest;
    try (InputStream in = blobs.open(Keys.manifest(jobId))) {
      manifest = new ManifestReader(ManifestLimits.DEFAULTS).header(in).settings();
    } catch (InvalidManifestException | BlobStore.BlobNotFoundException e) {
      return defaults; // the fan-out validated it: only a deleted job gets here
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new EconomySettings(
        manifest.mode() == null ? defaults.mode() : EconomySettings.Mode.parse(manifest.mode()),
        manifest.economyFallback() == null
            ? defaults.fallback()
            : EconomySettings.Fallback.parse(manifest.economyFallback()),
        defaults.maxResubmits());
  }

  private void submit(
      String jobId, String baseId, int attempt, List<BatchMessage> messages, String previous) {
    Optional<JobRecord> job = jobs.get(jobId);
    if (job.isEmpty() || job.get().status().stopped()) {
      return;
    }
    List<BatchContents> file = new ArrayList<>();
    long fileBytes = 0;
    int fileRequests = 0;
    int part = 0;
    for (BatchMessage message : messages) {
      if (jobs.batchState(jobId, message.seq()) != BatchState.PENDING) {
        continue;
      }
      BatchContents contents = load(job.get(), message);
      if (contents.missing().isEmpty()) {
        // every chunk got cached since the fan-out: nothing to buy
        account(job.get(), contents, Map.of(), List.of());
        continue;
      }
      long bytes = requestBytes(job.get(), contents);
      if (!file.isEmpty()
          && (fileRequests + contents.missing().size() > api.limits().maxRequests()
              || fileBytes + bytes > api.limits().maxBytes())) {
        submitFile(job.get(), partId(baseId, attempt, part++), attempt, file, previous);
        file = new ArrayList<>();
        fileBytes = 0;
        fileRequests = 0;
      }
      file.add(contents);
      fileBytes += bytes;
      fileRequests += contents.missing().size();
    }
    if (!file.isEmpty()) {
      submitFile(job.get(), partId(baseId, attempt, part), attempt, file, previous);
    }
  }

  private static String partId(String baseId, int attempt, int part) {
    return baseId + (part > 0 ? "-f" + part : "") + (attempt > 0 ? "-r" + attempt : "");
  }

  private void submitFile(
      JobRecord job, String id, int attempt, List<BatchContents> batches, String previous) {
    List<BatchContents> claimed = new ArrayList<>();
    for (BatchContents contents : batches) {
      long seq = contents.message().seq();
      if (economy.claim(job.jobId(), seq, id, previous).equals(id)) {
        claimed.add(contents);
      }
    }
    if (claimed.isEmpty()) {
      return;
    }
    Submission submission =
        economy.createIfAbsent(
            Submission.prepared(
                job.jobId(), id, claimed.stream().map(c -> c.message().seq()).toList(), attempt));
    if (submission.phase() == Submission.Phase.SUBMITTED) {
      // submitted before this resend; its poll may have been lost in the crash: one more poll
      // is harmless (a poll of a settled submission does nothing)
      polls.schedule(new PollScheduler.PollRequest(job.jobId(), id, 0), config.pollDelay(0));
      return;
    }
    if (submission.phase() != Submission.Phase.PREPARED) {
      return;
    }
    ByteArrayOutputStream jsonl = new ByteArrayOutputStream();
    for (BatchContents contents : claimed) {
      if (submission.seqs().contains(contents.message().seq())) {
        for (ProviderBatchApi.Request request : requests(job, contents)) {
          jsonl.writeBytes(api.line(request));
        }
      }
    }
    ProviderBatch batch =
        api.submit(
            job.jobId() + "-" + id + ".jsonl",
            jsonl.toByteArray(),
            Map.of("signal_hub_job", job.jobId(), "signal_hub_submission", id));
    LOG.info(
        () -> "Job " + job.jobId() + ": submission " + id + " is provider batch " + batch.id());
    economy.update(submission, submission.submitted(batch));
    polls.schedule(new PollScheduler.PollRequest(job.jobId(), id, 0), config.pollDelay(0));
  }

  /**
   * The requests for the batch's missing texts, but for twins (texts an earlier batch of the job
   * carries) while that batch is pending: its result or the cache will hold them.
   */
  private List<ProviderBatchApi.Request> requests(JobRecord job, BatchContents contents) {
    return contents.missing().stream()
        .filter(key -> !awaitsTwin(job.jobId(), contents, key))
        .map(
            key ->
                new ProviderBatchApi.Request(
                    customId(contents.message().seq(), contents.firstIndex(key)),
                    job.spec().model(),
                    job.spec().dimensions(),
                    contents.chunk(key).text()))
        .toList();
  }

  private long requestBytes(JobRecord job, BatchContents contents) {
    long bytes = 0;
    for (ProviderBatchApi.Request request : requests(job, contents)) {
      bytes += api.line(request).length;
    }
    return bytes;
  }

  private boolean awaitsTwin(String jobId, BatchContents contents, String key) {
    Long origin = contents.twinOf(key);
    return origin != null && jobs.batchState(jobId, origin) == BatchState.PENDING;
  }

  static String customId(long seq, int chunkIndex) {
    return seq + "-" + chunkIndex;
  }

  /** Polls one submission; see the class comment. */
  public PollOutcome poll(PollScheduler.PollRequest request) {
    Optional<Submission> found = economy.get(request.jobId(), request.submissionId());
    Optional<JobRecord> job = jobs.get(request.jobId());
    if (found.isEmpty() || job.isEmpty() || found.get().phase() != Submission.Phase.SUBMITTED) {
      return PollOutcome.NOTHING;
    }
    Submission submission = found.get();
    if (job.get().status().stopped()) {
      try {
        api.cancel(submission.providerBatchId()); // stop paying for what nobody will read
      } catch (RuntimeException e) { // best effort: it may have finished, or api be unreachable
        LOG.info(() -> "Job " + request.jobId() + ": cannot stop its provider batch: " + e);
      }
      economy.update(submission, submission.settled("job " + job.get().status(), 0));
      return PollOutcome.NOTHING;
    }
    ProviderBatch batch = api.get(submission.providerBatchId());
    if (!batch.state().terminal()) {
      Submission observed = submission.observed(batch);
      economy.update(submission, observed);
      polls.schedule(
          new PollScheduler.PollRequest(
              request.jobId(), request.submissionId(), request.polls() + 1),
          config.pollDelay(request.polls() + 1));
      return PollOutcome.WAITING;
    }
    Map<String, ProviderBatchApi.Result> results = new HashMap<>();
    for (ProviderBatchApi.Result result : api.results(batch)) {
      results.put(result.customId(), result);
    }
    boolean completed = batch.state() == ProviderBatch.State.COMPLETED;
    List<BatchMessage> leftover = new ArrayList<>();
    long billed = 0;
    List<BatchContents> pending = new ArrayList<>();
    for (long seq : submission.seqs()) {
      if (jobs.batchState(job.get().jobId(), seq) != BatchState.PENDING) {
        billed += tokens(job.get(), seq, results); // counted before a crash: still billed
      } else {
        pending.add(load(job.get(), message(job.get().jobId(), seq)));
      }
    }
    // by text: a twin (a text an earlier batch of the same file carries) was not requested twice
    Map<String, ProviderBatchApi.Result> byKey = new HashMap<>();
    for (BatchContents contents : pending) {
      for (String key : contents.missing()) {
        ProviderBatchApi.Result result =
            results.get(customId(contents.message().seq(), contents.firstIndex(key)));
        if (result != null && (result.succeeded() || !byKey.containsKey(key))) {
          byKey.put(key, result);
        }
      }
    }
    boolean deferred = false;
    for (BatchContents contents : pending) {
      long seq = contents.message().seq();
      if (contents.missing().stream()
          .anyMatch(
              key -> !byKey.containsKey(key) && awaitsTwin(job.get().jobId(), contents, key))) {
        deferred = true; // its repeated texts come with an earlier batch: count it after that one
        continue;
      }
      List<ProviderBatchApi.Result> own = new ArrayList<>();
      Map<String, ProviderBatchApi.Result> keyed = new HashMap<>();
      boolean allSucceeded = true;
      for (String key : contents.missing()) {
        ProviderBatchApi.Result line = results.get(customId(seq, contents.firstIndex(key)));
        if (line != null) {
          own.add(line);
        }
        ProviderBatchApi.Result result = byKey.get(key);
        if (result != null) {
          keyed.put(key, result);
        }
        allSucceeded &= result != null && result.succeeded();
      }
      billed += own.stream().mapToLong(ProviderBatchApi.Result::tokens).sum();
      boolean orphaned =
          contents.missing().stream()
              .anyMatch(key -> !byKey.containsKey(key) && contents.twinOf(key) != null);
      if ((completed || allSucceeded) && !orphaned) {
        account(job.get(), contents, keyed, own);
      } else {
        // keep what the provider did finish, so the fallback does not pay for it again
        Map<String, float[]> done = new HashMap<>();
        keyed.forEach(
            (key, r) -> {
              if (r.succeeded()) {
                done.put(key, r.vector());
              }
            });
        cache.putAll(done);
        leftover.add(contents.message());
      }
    }
    if (deferred) {
      // the provider batch is done; the earlier batches holding repeated texts are not yet
      polls.schedule(
          new PollScheduler.PollRequest(
              request.jobId(), request.submissionId(), request.polls() + 1),
          config.pollDelay(0));
      return PollOutcome.WAITING;
    }
    String outcome =
        leftover.isEmpty() ? "counted" : fallBack(job.get(), submission, batch, leftover);
    economy.update(submission, submission.observed(batch).settled(outcome, billed));
    return PollOutcome.SETTLED;
  }

  /**
   * A poll that failed on every receive (the provider's batch API unreachable, say) reached the
   * dead-letter queue: the submission's still-pending batches go to the job's fallback now, so the
   * job still ends. Should the provider batch complete later, its results are not read.
   */
  public PollOutcome pollDeadLettered(PollScheduler.PollRequest request) {
    Optional<Submission> found = economy.get(request.jobId(), request.submissionId());
    Optional<JobRecord> job = jobs.get(request.jobId());
    if (found.isEmpty()
        || job.isEmpty()
        || found.get().phase() == Submission.Phase.SETTLED
        || job.get().status().terminal()) {
      return PollOutcome.NOTHING;
    }
    Submission submission = found.get();
    List<BatchMessage> leftover = new ArrayList<>();
    for (long seq : submission.seqs()) {
      if (jobs.batchState(request.jobId(), seq) == BatchState.PENDING) {
        leftover.add(message(request.jobId(), seq));
      }
    }
    ProviderBatch unknown =
        new ProviderBatch(
            String.valueOf(submission.providerBatchId()),
            ProviderBatch.State.FAILED,
            submission.requests(),
            0,
            0,
            null,
            null,
            "its polls kept failing and reached the dead-letter queue");
    String outcome = fallBack(job.get(), submission, unknown, leftover);
    economy.update(submission, submission.settled(outcome, 0));
    return PollOutcome.SETTLED;
  }

  private long tokens(JobRecord job, long seq, Map<String, ProviderBatchApi.Result> results) {
    String prefix = seq + "-";
    return results.values().stream()
        .filter(r -> r.customId().startsWith(prefix))
        .mapToLong(ProviderBatchApi.Result::tokens)
        .sum();
  }

  /** Writes and counts one batch from its results, exactly as an on-demand batch is. */
  private void account(
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

  private String fallBack(
      JobRecord job, Submission submission, ProviderBatch batch, List<BatchMessage> leftover) {
    String reason =
        "provider batch "
            + batch.id()
            + " "
            + batch.state().wire()
            + (batch.error() != null ? ": " + batch.error() : "");
    if (leftover.isEmpty()) {
      return "counted";
    }
    EconomySettings settings = settings(job.jobId());
    EconomySettings.Fallback fallback = settings.fallback();
    if (fallback == EconomySettings.Fallback.RESUBMIT
        && (api == null // e.g. a dead-letter consumer built without the provider's key
            || submission.attempt() >= settings.maxResubmits()
            || batch.state() == ProviderBatch.State.FAILED)) {
      fallback = EconomySettings.Fallback.ON_DEMAND; // the same file would fail again
    }
    LOG.info(
        () ->
            "Job "
                + job.jobId()
                + ": "
                + reason
                + "; "
                + leftover.size()
                + " batches go "
                + "to the fallback");
    switch (fallback) {
      case RESUBMIT -> {
        String base = submission.id().replaceFirst("-r\\d+$", "");
        submit(job.jobId(), base, submission.attempt() + 1, leftover, submission.id());
        return "resubmitted (" + reason + ")";
      }
      case FAIL -> {
        for (BatchMessage message : leftover) {
          int expected = jobs.batchChunkCount(job.jobId(), message.seq());
          accounting.account(
              message,
              BatchResult.allFailed(
                  expected, reason, List.of(new Failure("batch " + message.seq(), reason))),
              clock.instant(),
              null);
        }
        return "failed (" + reason + ")";
      }
      default -> {
        for (int i = 0; i < leftover.size(); i += 10) {
          onDemand.send(leftover.subList(i, Math.min(leftover.size(), i + 10)));
        }
        return "sent on demand (" + reason + ")";
      }
    }
  }

  private BatchContents load(JobRecord job, BatchMessage message) {
    return BatchContents.load(
        blobs,
        cache,
        job.spec().model(),
        job.spec().dimensions(),
        message,
        jobs.batchChunkCount(job.jobId(), message.seq()));
  }

  private BatchMessage message(String jobId, long seq) {
    return new BatchMessage(
        jobId, seq, jobs.batchChunkCount(jobId, seq), Keys.batchPayload(jobId, seq));
  }
}
