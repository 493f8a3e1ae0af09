package io.signalhub.indexing.core.economy;

import io.signalhub.indexing.core.ParallelCalls;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.pipeline.BatchContents;
import io.signalhub.indexing.core.pipeline.BatchMessage;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The submit side: registered batches claimed for a submission, their chunks not yet cached written
 * as request lines, packed into input files within the provider's per-file limits, each file
 * created as a provider batch, and its first poll scheduled. A batch claimed by one submission is
 * not submitted by another (but see {@link #gather} for a claim no submission lists).
 *
 * <p>Memory: a file being packed holds its request lines (the bytes the provider gets, one array
 * per batch), not the batches' chunks or cached vectors; at its peak, while the lines are joined
 * into the file, about twice the file's size.
 */
final class Submissions {

  private static final Logger LOG = Logger.getLogger(Submissions.class.getName());

  private final EconomyPorts ports;

  Submissions(EconomyPorts ports) {
    this.ports = ports;
  }

  /**
   * Resubmits the still-pending batches among {@code messages} as {@code baseId-r<attempt>} (split
   * into {@code -f<part>} files over the limits), their claims moved from {@code previous}.
   */
  void resubmit(
      String jobId, String baseId, int attempt, List<BatchMessage> messages, String previous) {
    Optional<JobRecord> job = ports.jobs().get(jobId);
    if (job.isPresent() && !job.get().status().stopped()) {
      pack(
          job.get(),
          messages,
          (part, first) -> baseId + (part > 0 ? "-f" + part : "") + "-r" + attempt,
          attempt,
          previous);
    }
  }

  /**
   * Submits gathered batches (registered, pending, listed by no submission) in as few files as the
   * limits allow, each {@code s<its first batch>}. A batch claimed by a submission that does not
   * list it (a gather that crashed between claiming and storing, or lost a race) is taken over:
   * otherwise nothing would ever submit it. Two gathers racing for one batch may then both buy it;
   * its marker still counts it once.
   */
  void gather(JobRecord job, List<BatchMessage> candidates) {
    pack(job, candidates, (part, first) -> "s" + first, 0, null);
  }

  /**
   * Stores gathered batches as one submission without buying them (a gather that reached the
   * dead-letter queue hands them to the fallback through it).
   */
  Submission prepare(JobRecord job, List<Long> seqs) {
    return store(job, "s" + seqs.get(0), 0, seqs, null);
  }

  /** Buys a submission stored {@code PREPARED} by a gather that crashed before buying it. */
  void resume(JobRecord job, Submission prepared) {
    buy(job, prepared, Map.of());
  }

  /** What a file being packed holds: each batch's request lines, never its chunks. */
  private static final class File {
    final Map<Long, byte[]> lines = new HashMap<>();
    final List<Long> seqs = new ArrayList<>();
    long bytes;
    int requests;

    boolean fits(int moreRequests, long moreBytes, ProviderBatchApi.FileLimits limits) {
      return seqs.isEmpty()
          || (requests + moreRequests <= limits.maxRequests()
              && bytes + moreBytes <= limits.maxBytes());
    }
  }

  /** Names a file: its part number in this call and its first batch. */
  private interface Namer {
    String id(int part, long firstSeq);
  }

  /** Batches prepared at once; bounds what a window's request lines hold besides the file's. */
  private static final int WINDOW = 256;

  /** A batch's request lines, ready to pack. */
  private record Lines(long seq, byte[] bytes, int requests) {}

  private void pack(
      JobRecord job, List<BatchMessage> messages, Namer namer, int attempt, String previous) {
    ProviderBatchApi.FileLimits limits = ports.api().limits();
    File file = new File();
    int part = 0;
    for (int from = 0; from < messages.size(); from += WINDOW) {
      List<BatchMessage> window = messages.subList(from, Math.min(from + WINDOW, messages.size()));
      for (Optional<Lines> prepared : parallel(window, message -> prepare(job, message))) {
        if (prepared.isEmpty()) {
          continue;
        }
        Lines lines = prepared.get();
        if (!file.fits(lines.requests(), lines.bytes().length, limits)) {
          submitFile(job, namer.id(part++, file.seqs.get(0)), attempt, file, previous);
          file = new File();
        }
        file.seqs.add(lines.seq());
        file.lines.put(lines.seq(), lines.bytes());
        file.bytes += lines.bytes().length;
        file.requests += lines.requests();
      }
    }
    if (!file.seqs.isEmpty()) {
      submitFile(job, namer.id(part, file.seqs.get(0)), attempt, file, previous);
    }
  }

  /** The batch's request lines; none if it is no longer pending or all its chunks got cached. */
  private Optional<Lines> prepare(JobRecord job, BatchMessage message) {
    if (!ports.pending(job.jobId(), message.seq())) {
      return Optional.empty();
    }
    BatchContents contents = ports.load(job, message);
    if (contents.missing().isEmpty()) {
      // every chunk got cached since the fan-out: nothing to buy
      ports.account(job, contents, Map.of(), List.of());
      return Optional.empty();
    }
    List<ProviderBatchApi.Request> requests = requests(job, contents);
    return Optional.of(new Lines(message.seq(), lines(requests), requests.size()));
  }

  private <T, R> List<R> parallel(List<T> items, Function<T, R> call) {
    return ParallelCalls.map(ports.config().gatherThreads(), items, call);
  }

  private void submitFile(JobRecord job, String id, int attempt, File file, String previous) {
    Submission submission = store(job, id, attempt, file.seqs, previous);
    if (submission != null && submission.phase() == Submission.Phase.PREPARED) {
      buy(job, submission, file.lines);
    }
  }

  /**
   * Claims {@code seqs} for {@code id} and stores the submission {@code PREPARED} with those it
   * got, unless it exists; null if it got none.
   *
   * @param previous the submission the batches move from (a resubmission); null for a gather, which
   *     takes over a claim no stored submission lists
   */
  private Submission store(
      JobRecord job, String id, int attempt, List<Long> seqs, String previous) {
    List<Long> claimed =
        parallel(seqs, seq -> claim(job.jobId(), id, seq, previous) ? seq : null).stream()
            .filter(Objects::nonNull)
            .toList();
    if (claimed.isEmpty()) {
      return null;
    }
    return ports.economy().createIfAbsent(Submission.prepared(job.jobId(), id, claimed, attempt));
  }

  /** Whether {@code id} now holds {@code seq}'s claim. */
  private boolean claim(String jobId, String id, long seq, String previous) {
    String owner = ports.economy().claim(jobId, seq, id, previous);
    if (!owner.equals(id)
        && previous == null
        && ports.economy().get(jobId, owner).filter(s -> s.seqs().contains(seq)).isEmpty()) {
      owner = ports.economy().claim(jobId, seq, id, owner);
    }
    return owner.equals(id);
  }

  /**
   * Creates the provider batch of a {@code PREPARED} submission from its still-pending batches'
   * lines ({@code known}, or built from their payloads), schedules its first poll, then marks it
   * {@code SUBMITTED}: a crash between the two leaves it {@code PREPARED} for the gather's
   * redelivery to buy again (costly, counted once), never {@code SUBMITTED} without a poll.
   */
  private void buy(JobRecord job, Submission submission, Map<Long, byte[]> known) {
    List<Long> unknown = submission.seqs().stream().filter(seq -> !known.containsKey(seq)).toList();
    List<byte[]> loaded =
        parallel(
            unknown,
            seq ->
                ports.pending(job.jobId(), seq)
                    ? lines(requests(job, ports.load(job, ports.message(job.jobId(), seq))))
                    : new byte[0]);
    Map<Long, byte[]> lines = new HashMap<>(known);
    for (int i = 0; i < unknown.size(); i++) {
      lines.put(unknown.get(i), loaded.get(i));
    }
    ByteArrayOutputStream jsonl = new ByteArrayOutputStream();
    submission.seqs().forEach(seq -> jsonl.writeBytes(lines.get(seq)));
    String id = submission.id();
    ProviderBatch batch =
        ports
            .api()
            .submit(
                job.jobId() + "-" + id + ".jsonl",
                jsonl.toByteArray(),
                Map.of("signal_hub_job", job.jobId(), "signal_hub_submission", id));
    LOG.info(
        () -> "Job " + job.jobId() + ": submission " + id + " is provider batch " + batch.id());
    ports.schedulePoll(job.jobId(), id, 0, 0);
    ports.economy().update(submission, submission.submitted(batch));
  }

  /**
   * The requests for the batch's missing texts, but for twins (texts an earlier batch of the job
   * carries) while that batch is pending: its result or the cache will hold them.
   */
  private List<ProviderBatchApi.Request> requests(JobRecord job, BatchContents contents) {
    return contents.missing().stream()
        .filter(key -> !ports.awaitsTwin(job.jobId(), contents, key))
        .map(
            key ->
                new ProviderBatchApi.Request(
                    EconomyPorts.customId(contents.message().seq(), contents.firstIndex(key)),
                    job.spec().model(),
                    job.spec().dimensions(),
                    contents.chunk(key).text()))
        .toList();
  }

  private byte[] lines(List<ProviderBatchApi.Request> requests) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (ProviderBatchApi.Request request : requests) {
      bytes.writeBytes(ports.api().line(request));
    }
    return bytes.toByteArray();
  }
}
