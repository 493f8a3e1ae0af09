package io.signalhub.indexing.core.economy;

import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.pipeline.BatchContents;
import io.signalhub.indexing.core.pipeline.BatchMessage;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

  private void pack(
      JobRecord job, List<BatchMessage> messages, Namer namer, int attempt, String previous) {
    ProviderBatchApi.FileLimits limits = ports.api().limits();
    File file = new File();
    int part = 0;
    for (BatchMessage message : messages) {
      if (!ports.pending(job.jobId(), message.seq())) {
        continue;
      }
      BatchContents contents = ports.load(job, message);
      if (contents.missing().isEmpty()) {
        // every chunk got cached since the fan-out: nothing to buy
        ports.account(job, contents, Map.of(), List.of());
        continue;
      }
      List<ProviderBatchApi.Request> requests = requests(job, contents);
      byte[] lines = lines(requests);
      if (!file.fits(requests.size(), lines.length, limits)) {
        submitFile(job, namer.id(part++, file.seqs.get(0)), attempt, file, previous);
        file = new File();
      }
      file.seqs.add(message.seq());
      file.lines.put(message.seq(), lines);
      file.bytes += lines.length;
      file.requests += requests.size();
    }
    if (!file.seqs.isEmpty()) {
      submitFile(job, namer.id(part, file.seqs.get(0)), attempt, file, previous);
    }
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
    List<Long> claimed = new ArrayList<>();
    for (long seq : seqs) {
      String owner = ports.economy().claim(job.jobId(), seq, id, previous);
      if (!owner.equals(id)
          && previous == null
          && ports
              .economy()
              .get(job.jobId(), owner)
              .filter(s -> s.seqs().contains(seq))
              .isEmpty()) {
        owner = ports.economy().claim(job.jobId(), seq, id, owner);
      }
      if (owner.equals(id)) {
        claimed.add(seq);
      }
    }
    if (claimed.isEmpty()) {
      return null;
    }
    return ports.economy().createIfAbsent(Submission.prepared(job.jobId(), id, claimed, attempt));
  }

  /**
   * Creates the provider batch of a {@code PREPARED} submission from its still-pending batches'
   * lines ({@code known}, or built from their payloads), schedules its first poll, then marks it
   * {@code SUBMITTED}: a crash between the two leaves it {@code PREPARED} for the gather's
   * redelivery to buy again (costly, counted once), never {@code SUBMITTED} without a poll.
   */
  private void buy(JobRecord job, Submission submission, Map<Long, byte[]> known) {
    ByteArrayOutputStream jsonl = new ByteArrayOutputStream();
    for (long seq : submission.seqs()) {
      byte[] lines = known.get(seq);
      if (lines == null && ports.pending(job.jobId(), seq)) {
        lines = lines(requests(job, ports.load(job, ports.message(job.jobId(), seq))));
      }
      if (lines != null) {
        jsonl.writeBytes(lines);
      }
    }
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
