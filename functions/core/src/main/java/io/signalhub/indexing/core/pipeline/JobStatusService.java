package io.signalhub.indexing.core.pipeline;

import io.signalhub.indexing.core.economy.EconomySettings;
import io.signalhub.indexing.core.economy.EconomyStore;
import io.signalhub.indexing.core.economy.Submission;
import io.signalhub.indexing.core.job.ActivityMinute;
import io.signalhub.indexing.core.job.JobCounters;
import io.signalhub.indexing.core.job.JobPage;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobSpec;
import io.signalhub.indexing.core.job.JobState;
import io.signalhub.indexing.core.job.JobStore;
import io.signalhub.indexing.core.pricing.ModelPrices;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Reads jobs for the status API; rate and ETA are computed here, on read. */
public final class JobStatusService {

  /**
   * The window the rate is measured over: recent enough to follow changes, long enough to be
   * smooth.
   */
  public static final Duration RATE_WINDOW = Duration.ofSeconds(60);

  private static final int FAILURE_SAMPLE = 10;

  /** The shortest span a minute's rate is measured over (its first seconds are too noisy). */
  private static final double MIN_RATE_SECONDS = JobStore.THROUGHPUT_BUCKET_SECONDS;

  /** Economy mode's promise, as the status reports it in place of an ETA. */
  public static final String ECONOMY_ETA =
      "depends on the provider: its batch API finishes within 24 h (OpenAI), often in minutes";

  private final JobStore jobs;
  private final Clock clock;
  private final EconomyStore economy;

  public JobStatusService(JobStore jobs, Clock clock) {
    this(jobs, clock, null);
  }

  /**
   * @param economy economy mode's state, to report provider batches; null when not wired
   */
  public JobStatusService(JobStore jobs, Clock clock, EconomyStore economy) {
    this.jobs = jobs;
    this.clock = clock;
    this.economy = economy;
  }

  /** A page of recent jobs, newest first. */
  public record Page(List<JobView> jobs, String nextCursor) {}

  public Optional<JobView> job(String jobId) {
    return jobs.get(jobId).map(job -> view(job, true));
  }

  public Page list(int limit, String cursor) {
    JobPage page = jobs.list(Math.max(1, Math.min(100, limit)), cursor);
    return new Page(page.jobs().stream().map(job -> view(job, false)).toList(), page.nextCursor());
  }

  private JobView view(JobRecord job, boolean detailed) {
    Instant now = clock.instant();
    JobSpec spec = job.spec();
    JobCounters counters = job.counters();
    JobState state = job.state();
    double rate = job.status().terminal() ? 0 : rate(job.jobId(), now);
    long done = counters.completed() + counters.failed();
    JobView.Economy economyView = economy(job);
    Long eta =
        job.status().terminal()
            ? Long.valueOf(0)
            : economyView != null
                ? null // the provider decides: see economy.eta
                : rate > 0 ? Long.valueOf((long) Math.ceil(counters.pending() / rate)) : null;
    Instant end = state.finishedAt() != null ? state.finishedAt() : now;
    Map<String, Long> skipped = new TreeMap<>();
    counters.skippedFiles().forEach((reason, count) -> skipped.put(reason.name(), count));
    return new JobView(
        job.jobId(),
        job.status().name(),
        state.reason(),
        spec.repository(),
        spec.revision(),
        spec.provider(),
        spec.model(),
        counters.files(),
        counters.filesRead(),
        skipped,
        counters.total(),
        job.fanOut().complete(),
        counters.completed(),
        counters.failed(),
        counters.cached(),
        counters.pending(),
        counters.total() == 0
            ? (job.status().terminal() ? 100.0 : 0.0)
            : Math.round(1000.0 * done / counters.total()) / 10.0,
        counters.batchesRegistered(),
        counters.batchesProcessed(),
        counters.apiCalls(),
        Math.max(0, counters.completed() - counters.apiCalls()),
        counters.tokens(),
        cost(job, economyView),
        Math.round(rate * 10) / 10.0,
        eta,
        !job.fanOut().complete(),
        state.createdAt().toString(),
        state.updatedAt().toString(),
        state.finishedAt() == null ? null : state.finishedAt().toString(),
        Duration.between(state.createdAt(), end).toMillis() / 1000.0,
        detailed ? jobs.failureSample(job.jobId(), FAILURE_SAMPLE) : null,
        detailed ? history(job, end) : null,
        economyView);
  }

  /** Tokens at the model's price, those bought through the batch API at half of it. */
  private static Double cost(JobRecord job, JobView.Economy economy) {
    long tokens = job.counters().tokens();
    String model = job.spec().model();
    long batchTokens = economy == null ? 0 : Math.min(tokens, economy.batchTokens());
    return ModelPrices.estimateUsd(model, tokens - batchTokens)
        .map(
            full ->
                full
                    + ModelPrices.estimateUsd(model, batchTokens).orElse(0.0)
                        * ModelPrices.BATCH_PRICE_FACTOR)
        .orElse(null);
  }

  private JobView.Economy economy(JobRecord job) {
    if (economy == null) {
      return null;
    }
    Optional<EconomySettings> settings = economy.mode(job.jobId());
    if (settings.isEmpty() || !settings.get().economy()) {
      return null;
    }
    List<JobView.ProviderBatchView> batches = new ArrayList<>();
    long batchTokens = 0;
    for (Submission s : economy.list(job.jobId())) {
      batchTokens += s.tokens();
      String state = s.providerState() != null ? s.providerState() : "preparing";
      batches.add(
          new JobView.ProviderBatchView(
              s.id(),
              s.providerBatchId(),
              state,
              s.requests(),
              s.done(),
              state + (s.requests() > 0 ? " " + (100L * s.done() / s.requests()) + "%" : ""),
              s.outcome()));
    }
    return new JobView.Economy(settings.get().fallback().wire(), ECONOMY_ETA, batchTokens, batches);
  }

  /**
   * The stored minutes from the first to the job's end (or now), gaps filled with zeros, at most
   * {@link JobStore#HISTORY_MINUTES} of them.
   */
  private List<JobView.Minute> history(JobRecord job, Instant end) {
    List<ActivityMinute> stored = jobs.history(job.jobId(), JobStore.HISTORY_MINUTES);
    if (stored.isEmpty()) {
      return List.of();
    }
    Map<Instant, ActivityMinute> byMinute = new TreeMap<>();
    stored.forEach(minute -> byMinute.put(minute.minute(), minute));
    Instant last = ActivityMinute.minuteOf(end);
    if (last.isBefore(stored.get(stored.size() - 1).minute())) {
      last = stored.get(stored.size() - 1).minute();
    }
    Instant first = stored.get(0).minute();
    Instant earliest = last.minus(Duration.ofMinutes(JobStore.HISTORY_MINUTES - 1));
    if (first.isBefore(earliest)) {
      first = earliest;
    }
    List<JobView.Minute> minutes = new ArrayList<>();
    for (Instant minute = first; !minute.isAfter(last); minute = minute.plusSeconds(60)) {
      ActivityMinute a =
          byMinute.getOrDefault(minute, new ActivityMinute(minute, 0, 0, 0, 0, 0, 0));
      Instant from = minute.isBefore(job.state().createdAt()) ? job.state().createdAt() : minute;
      Instant to = minute.plusSeconds(60).isAfter(end) ? end : minute.plusSeconds(60);
      double seconds = Math.max(1, Duration.between(from, to).toMillis() / 1000.0);
      minutes.add(
          new JobView.Minute(
              minute.toString(),
              seconds,
              a.completed(),
              a.failed(),
              // a minute only seconds old would turn one batch into a spike: 10 s at least
              Math.round(10.0 * a.chunks() / Math.max(MIN_RATE_SECONDS, seconds)) / 10.0,
              a.tokens(),
              a.requests(),
              a.throttled(),
              a.retries()));
    }
    return minutes;
  }

  /**
   * Chunks per second over the last minute (from the first sample in it, if the job is younger).
   */
  private double rate(String jobId, Instant now) {
    List<io.signalhub.indexing.core.job.JobStore.ThroughputSample> samples =
        jobs.throughputSince(jobId, now.minus(RATE_WINDOW));
    if (samples.isEmpty()) {
      return 0;
    }
    long chunks = samples.stream().mapToLong(JobStore.ThroughputSample::chunks).sum();
    double seconds =
        Math.max(
            JobStore.THROUGHPUT_BUCKET_SECONDS,
            Duration.between(samples.get(0).bucketStart(), now).toMillis() / 1000.0);
    return chunks / seconds;
  }
}
