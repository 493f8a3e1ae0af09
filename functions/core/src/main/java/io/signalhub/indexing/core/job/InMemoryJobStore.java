package io.signalhub.indexing.core.job;

import io.signalhub.indexing.core.source.SkipReason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@link JobStore} in memory with the same atomicity as the DynamoDB one (every method holds one
 * lock): for unit tests and single-process use.
 */
public final class InMemoryJobStore implements JobStore {

  private final Map<String, JobRecord> jobs = new HashMap<>();
  private final Map<String, Map<Long, Integer>> batchSizes = new HashMap<>();
  private final Map<String, Map<Long, BatchState>> batchStates = new HashMap<>();
  private final Map<String, List<RecordedFailure>> failures = new HashMap<>();
  private final Map<String, TreeMap<Instant, Long>> throughput = new HashMap<>();
  private final Map<String, TreeMap<Instant, ActivityMinute>> history = new HashMap<>();
  private final Map<String, String> leaseOwners = new HashMap<>();
  private final Map<String, Instant> leaseUntil = new HashMap<>();
  private final InMemoryShardLedger shards = new InMemoryShardLedger(this);

  @Override
  public synchronized JobRecord createIfAbsent(JobRecord job) {
    return jobs.computeIfAbsent(job.jobId(), id -> job);
  }

  @Override
  public synchronized Optional<JobRecord> get(String jobId) {
    return Optional.ofNullable(jobs.get(jobId));
  }

  @Override
  public synchronized JobPage list(int limit, String cursor) {
    List<JobRecord> sorted = new ArrayList<>(jobs.values());
    sorted.sort(
        Comparator.comparing((JobRecord j) -> j.state().createdAt())
            .thenComparing(JobRecord::jobId)
            .reversed());
    int start = cursor == null ? 0 : Integer.parseInt(cursor);
    int end = Math.min(sorted.size(), start + limit);
    return new JobPage(
        List.copyOf(sorted.subList(start, end)),
        end < sorted.size() ? Integer.toString(end) : null);
  }

  @Override
  public synchronized boolean acquireFanoutLease(
      String jobId, String owner, Instant now, Instant until) {
    JobRecord job = jobs.get(jobId);
    if (job == null || job.fanOut().complete() || job.status().terminal()) {
      return false;
    }
    Instant held = leaseUntil.get(jobId);
    if (held != null && held.isAfter(now) && !owner.equals(leaseOwners.get(jobId))) {
      return false;
    }
    leaseOwners.put(jobId, owner);
    leaseUntil.put(jobId, until);
    jobs.put(jobId, with(job, JobStatus.FANNING_OUT, job.state().reason(), now));
    return true;
  }

  @Override
  public synchronized void releaseFanoutLease(String jobId, String owner) {
    if (owner.equals(leaseOwners.get(jobId))) {
      leaseOwners.remove(jobId);
      leaseUntil.remove(jobId);
    }
  }

  @Override
  public synchronized void describe(String jobId, JobDescription description, Instant now) {
    jobs.put(jobId, jobs.get(jobId).toBuilder().described(description).updatedAt(now).build());
  }

  @Override
  public synchronized boolean registerGroup(String jobId, GroupRegistration group, Instant now) {
    JobRecord j = jobs.get(jobId);
    if (j == null || !j.fanOut().cursor().equals(group.from()) || j.status().terminal()) {
      return false;
    }
    FanOutPosition moved = j.fanOut().after(group);
    jobs.put(
        jobId,
        counted(j, group, now)
            .cursor(moved.cursor())
            .nextSeq(moved.nextSeq())
            .lastGroupFirstSeq(moved.lastGroupFirstSeq())
            .build());
    return true;
  }

  /** The job with a group's batches registered and its counts added; its position untouched. */
  synchronized JobRecord.Builder counted(JobRecord j, GroupRegistration group, Instant now) {
    String jobId = j.jobId();
    Map<Long, Integer> sizes = batchSizes.computeIfAbsent(jobId, id -> new HashMap<>());
    Map<Long, BatchState> states = batchStates.computeIfAbsent(jobId, id -> new HashMap<>());
    for (RegisteredBatch batch : group.batches()) {
      sizes.put(batch.seq(), batch.chunks());
      states.put(batch.seq(), BatchState.PENDING);
    }
    Map<SkipReason, Long> skipped = new EnumMap<>(SkipReason.class);
    skipped.putAll(j.counters().skippedFiles());
    group.skippedFiles().forEach((reason, count) -> skipped.merge(reason, count, Long::sum));
    keepFailures(jobId, group.fileFailures(), now);
    long batched = group.batchedChunks();
    return j.toBuilder()
        .filesRead(j.counters().filesRead() + group.filesRead())
        .skippedFiles(Map.copyOf(skipped))
        .total(j.counters().total() + batched + group.cachedChunks())
        .completed(j.counters().completed() + group.cachedChunks())
        .cached(j.counters().cached() + group.cachedChunks())
        .pending(j.counters().pending() + batched)
        .batchesRegistered(j.counters().batchesRegistered() + group.batches().size())
        .updatedAt(now);
  }

  /** Stores a changed job (for {@link InMemoryShardLedger}, under this store's lock). */
  synchronized void replace(JobRecord job) {
    jobs.put(job.jobId(), job);
  }

  @Override
  public ShardLedger shards() {
    return shards;
  }

  @Override
  public synchronized void confirmSent(String jobId, long nextSeq) {
    JobRecord j = jobs.get(jobId);
    jobs.put(
        jobId,
        j.toBuilder().lastGroupFirstSeq(j.fanOut().confirmed(nextSeq).lastGroupFirstSeq()).build());
  }

  @Override
  public synchronized void completeFanout(String jobId, Instant now) {
    JobRecord j = jobs.get(jobId);
    JobStatus status = j.status() == JobStatus.FANNING_OUT ? JobStatus.EMBEDDING : j.status();
    jobs.put(jobId, copy(j, status, j.state().reason(), true, now, j.state().finishedAt()));
  }

  @Override
  public synchronized void fail(String jobId, String reason, Instant now) {
    JobRecord j = jobs.get(jobId);
    if (j != null && !j.status().terminal()) {
      jobs.put(jobId, copy(j, JobStatus.FAILED, reason, j.fanOut().complete(), now, now));
    }
  }

  @Override
  public synchronized boolean cancel(String jobId, String reason, Instant now) {
    JobRecord j = jobs.get(jobId);
    if (j == null || j.status().terminal()) {
      return false;
    }
    jobs.put(jobId, copy(j, JobStatus.CANCELLED, reason, j.fanOut().complete(), now, now));
    return true;
  }

  @Override
  public synchronized boolean delete(String jobId) {
    batchSizes.remove(jobId);
    batchStates.remove(jobId);
    failures.remove(jobId);
    throughput.remove(jobId);
    history.remove(jobId);
    leaseOwners.remove(jobId);
    leaseUntil.remove(jobId);
    shards.forget(jobId);
    return jobs.remove(jobId) != null;
  }

  @Override
  public synchronized BatchState batchState(String jobId, long seq) {
    return batchStates.getOrDefault(jobId, Map.of()).getOrDefault(seq, BatchState.MISSING);
  }

  @Override
  public synchronized List<Long> pendingBatches(String jobId) {
    return batchStates.getOrDefault(jobId, Map.of()).entrySet().stream()
        .filter(e -> e.getValue() == BatchState.PENDING)
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }

  @Override
  public synchronized int batchChunkCount(String jobId, long seq) {
    return batchSizes.getOrDefault(jobId, Map.of()).getOrDefault(seq, -1);
  }

  @Override
  public synchronized boolean recordBatch(String jobId, long seq, BatchResult r, Instant now) {
    if (batchState(jobId, seq) != BatchState.PENDING) {
      return false;
    }
    batchStates.get(jobId).put(seq, BatchState.DONE);
    keepFailures(jobId, r.failures(), now);
    JobRecord j = jobs.get(jobId);
    long expected = r.completed() + r.failed();
    jobs.put(
        jobId,
        j.toBuilder()
            .completed(j.counters().completed() + r.completed())
            .failed(j.counters().failed() + r.failed())
            .cached(j.counters().cached() + r.cached())
            .pending(j.counters().pending() - expected)
            .batchesProcessed(j.counters().batchesProcessed() + 1)
            .apiCalls(j.counters().apiCalls() + r.apiCalls())
            .tokens(j.counters().tokens() + r.tokens())
            .updatedAt(now)
            .build());
    Instant minute = ActivityMinute.minuteOf(now);
    TreeMap<Instant, ActivityMinute> minutes =
        history.computeIfAbsent(jobId, id -> new TreeMap<>());
    minutes.merge(minute, r.activity(minute), ActivityMinute::plus);
    while (minutes.size() > HISTORY_MINUTES) {
      minutes.pollFirstEntry();
    }
    throughput
        .computeIfAbsent(jobId, id -> new TreeMap<>())
        .merge(ThroughputSample.bucketOf(now), expected, Long::sum);
    return true;
  }

  @Override
  public synchronized List<ActivityMinute> history(String jobId, int limit) {
    List<ActivityMinute> all = List.copyOf(history.getOrDefault(jobId, new TreeMap<>()).values());
    return all.subList(Math.max(0, all.size() - limit), all.size());
  }

  @Override
  public synchronized Optional<JobStatus> tryFinish(String jobId, Instant now) {
    JobRecord j = jobs.get(jobId);
    if (j == null
        || !j.fanOut().complete()
        || j.counters().pending() != 0
        || j.status().terminal()) {
      return Optional.empty();
    }
    JobStatus status =
        j.counters().failed() > 0 ? JobStatus.COMPLETED_WITH_FAILURES : JobStatus.COMPLETED;
    jobs.put(jobId, copy(j, status, j.state().reason(), true, now, now));
    return Optional.of(status);
  }

  @Override
  public synchronized List<ThroughputSample> throughputSince(String jobId, Instant since) {
    return throughput
        .getOrDefault(jobId, new TreeMap<>())
        .tailMap(ThroughputSample.bucketOf(since), true)
        .entrySet()
        .stream()
        .map(e -> new ThroughputSample(e.getKey(), e.getValue()))
        .toList();
  }

  @Override
  public synchronized List<Failure> failureSample(String jobId, int limit) {
    return failures.getOrDefault(jobId, List.of()).stream()
        .sorted(Comparator.comparing(RecordedFailure::at)) // stable: same instant, call order
        .limit(limit)
        .map(RecordedFailure::failure)
        .toList();
  }

  private void keepFailures(String jobId, List<Failure> sample, Instant now) {
    List<RecordedFailure> kept = failures.computeIfAbsent(jobId, id -> new ArrayList<>());
    sample.stream()
        .limit(FAILURES_KEPT_PER_WRITE)
        .forEach(failure -> kept.add(new RecordedFailure(now, failure)));
  }

  private record RecordedFailure(Instant at, Failure failure) {}

  private static JobRecord with(JobRecord j, JobStatus status, String reason, Instant now) {
    return copy(j, status, reason, j.fanOut().complete(), now, j.state().finishedAt());
  }

  private static JobRecord copy(
      JobRecord j,
      JobStatus status,
      String reason,
      boolean fanoutComplete,
      Instant now,
      Instant finishedAt) {
    return j.toBuilder()
        .status(status)
        .reason(reason)
        .fanoutComplete(fanoutComplete)
        .updatedAt(now)
        .finishedAt(finishedAt)
        .build();
  }
}
