package io.signalhub.indexing.core.economy;

import io.signalhub.indexing.core.ParallelCalls;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.pipeline.BatchMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

/**
 * Gathers an economy job's registered batches ACROSS fan-out groups into provider files as large as
 * the provider's per-file limits allow (OpenAI 50,000 requests; Bedrock 50,000 records, and at
 * least 100, so only a track's last file is ever padded).
 *
 * <p><b>Deciding</b> (the fan-out's side, {@link #registered}, {@link #allSent}): each group sent
 * adds its chunks to the open range of its track; when the next group would take the range over the
 * file's request limit, the range is handed to a gather and the group opens the next one. When the
 * fan-out has registered its whole track (the manifest, or one shard), the rest is gathered; so is
 * each run of batches a recovery resent after a restart that lost the queue. The open range lives
 * in this process only: a fan-out resumed elsewhere (a crash, a continuation in another instance)
 * starts a new one, and its track's last gather then covers the whole track, so no batch registered
 * before is left out. Nothing waits: a gather is queued the moment its range is known.
 *
 * <p><b>Gathering</b> ({@link #gather}, a message on the batch queue: a {@link
 * PollScheduler.PollRequest} whose submission id names the range, so the poll path carries it): the
 * range's batches still pending and listed by no submission are claimed → {@code PREPARED} → {@code
 * SUBMITTED} by {@link Submissions}, in as few files as the limits allow; a range's submissions
 * already {@code SUBMITTED} get a poll again, in case theirs was lost. Claims and the submissions'
 * lists make a redelivered or overlapping gather buy nothing twice; a submission left {@code
 * PREPARED} by a crash is bought by the redelivery. A gather that keeps failing reaches the
 * dead-letter queue, and its batches go to the job's fallback ({@link #prepareForFallback}).
 */
final class Gathering {

  private static final Logger LOG = Logger.getLogger(Gathering.class.getName());

  private static final String PREFIX = "gather-";
  private static final Pattern RANGE = Pattern.compile(PREFIX + "(\\d+)-(\\d+)");

  /** A gather races at most this often with another for the same batches before it retries. */
  private static final int ROUNDS = 3;

  /** Batches {@code from} (inclusive) to {@code to} (exclusive) of one track of a job. */
  record Range(long from, long to) {}

  /** One track's range not yet handed to a gather, in this process. */
  private record Open(long origin, long from, long requests) {}

  private final EconomyPorts ports;
  private final Submissions submissions;

  /** By job and the next batch number its track will send. */
  private final Map<String, Open> open = new ConcurrentHashMap<>();

  Gathering(EconomyPorts ports, Submissions submissions) {
    this.ports = ports;
    this.submissions = submissions;
  }

  /** The gather a poll request names, if it names one. */
  static Optional<Range> range(PollScheduler.PollRequest request) {
    Matcher m = RANGE.matcher(request.submissionId());
    return m.matches()
        ? Optional.of(new Range(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))))
        : Optional.empty();
  }

  /** A fan-out group of an economy job was registered; its batches wait to be gathered. */
  void registered(String jobId, List<BatchMessage> messages) {
    long first = messages.get(0).seq();
    long requests = messages.stream().mapToLong(BatchMessage::chunks).sum();
    Open range = open.remove(jobId + "#" + first);
    if (range == null) {
      range = new Open(first, first, 0); // a new track, or one resumed by another process
    }
    if (range.requests() > 0 && range.requests() + requests > ports.api().limits().maxRequests()) {
      queue(jobId, range.from(), first);
      range = new Open(range.origin(), first, 0);
    }
    long next = messages.get(messages.size() - 1).seq() + 1;
    open.put(
        jobId + "#" + next, new Open(range.origin(), range.from(), range.requests() + requests));
  }

  /** Batches {@code firstSeq} to {@code endSeq} are sent, and no more will be (a track's end). */
  void allSent(String jobId, long firstSeq, long endSeq) {
    Open range = open.remove(jobId + "#" + endSeq);
    // this process saw the track from its start: earlier ranges are queued already
    long from = range != null && range.origin() == firstSeq ? range.from() : firstSeq;
    if (from < endSeq) {
      queue(jobId, from, endSeq);
    }
  }

  private void queue(String jobId, long from, long to) {
    ports
        .polls()
        .schedule(new PollScheduler.PollRequest(jobId, PREFIX + from + "-" + to, 0), Duration.ZERO);
  }

  /** Submits the range's batches that no submission holds yet; see the class comment. */
  void gather(JobRecord job, Range range) {
    for (int round = 0; round < ROUNDS; round++) {
      List<Submission> stored = ports.economy().list(job.jobId());
      for (Submission earlier : stored) {
        if (earlier.phase() == Submission.Phase.PREPARED
            && earlier.attempt() == 0
            && within(earlier, range)) {
          submissions.resume(job, earlier); // a gather crashed before buying it
        } else if (round == 0
            && earlier.phase() == Submission.Phase.SUBMITTED
            && within(earlier, range)) {
          // its poll may have been lost with the queue (a local restart): polls are idempotent
          ports.schedulePoll(job.jobId(), earlier.id(), 0, 0);
        }
      }
      List<BatchMessage> candidates = unlisted(job.jobId(), range, stored);
      if (candidates.isEmpty()) {
        return;
      }
      // a batch claimed but left out of a racing gather's submission is found in the next round
      Instant started = ports.clock().instant();
      submissions.gather(job, candidates);
      long millis = Duration.between(started, ports.clock().instant()).toMillis();
      LOG.info(
          () ->
              "Job %s: gathered %d batches of %s in %d ms"
                  .formatted(job.jobId(), candidates.size(), range, millis));
    }
    throw new IllegalStateException(
        "Job " + job.jobId() + ": gathering " + range + " kept racing; the message comes back");
  }

  /**
   * The range's batches no submission holds, stored as one submission for the fallback; returns the
   * range's submissions still {@code PREPARED} (that one, and any a crashed gather left).
   */
  List<Submission> prepareForFallback(JobRecord job, Range range) {
    List<Submission> stored = ports.economy().list(job.jobId());
    List<BatchMessage> candidates = unlisted(job.jobId(), range, stored);
    if (!candidates.isEmpty()) {
      submissions.prepare(job, candidates.stream().map(BatchMessage::seq).toList());
      stored = ports.economy().list(job.jobId());
    }
    return stored.stream()
        .filter(s -> s.phase() == Submission.Phase.PREPARED && within(s, range))
        .toList();
  }

  private List<BatchMessage> unlisted(String jobId, Range range, List<Submission> stored) {
    Set<Long> listed = new HashSet<>();
    stored.forEach(s -> listed.addAll(s.seqs()));
    List<Long> seqs =
        LongStream.range(range.from(), range.to())
            .filter(seq -> !listed.contains(seq))
            .boxed()
            .toList();
    return ParallelCalls.map(
            ports.config().gatherThreads(),
            seqs,
            seq ->
                ports.pending(jobId, seq)
                    ? Optional.of(ports.message(jobId, seq))
                    : Optional.<BatchMessage>empty())
        .stream()
        .flatMap(Optional::stream)
        .toList();
  }

  private static boolean within(Submission submission, Range range) {
    return submission.seqs().stream().anyMatch(seq -> seq >= range.from() && seq < range.to());
  }
}
