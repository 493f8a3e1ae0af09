package io.signalhub.indexing.core.economy;

import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.pipeline.BatchContents;
import io.signalhub.indexing.core.pipeline.BatchMessage;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The submit side: registered batches claimed for a submission, their chunks not yet cached written
 * as request lines, packed into input files within the provider's per-file limits, each file
 * created as a provider batch, and its first poll scheduled. A resent batch (a resumed fan-out)
 * finds itself claimed and is not submitted twice.
 */
final class Submissions {

  private static final Logger LOG = Logger.getLogger(Submissions.class.getName());

  private final EconomyPorts ports;

  Submissions(EconomyPorts ports) {
    this.ports = ports;
  }

  /**
   * Submits the still-pending batches among {@code messages} as {@code baseId} (split into {@code
   * -f<part>} files over the limits, {@code -r<attempt>} for a resubmission).
   *
   * @param previous the submission the batches move from (a resubmission), or null
   */
  void submit(
      String jobId, String baseId, int attempt, List<BatchMessage> messages, String previous) {
    Optional<JobRecord> found = ports.jobs().get(jobId);
    if (found.isEmpty() || found.get().status().stopped()) {
      return;
    }
    JobRecord job = found.get();
    ProviderBatchApi.FileLimits limits = ports.api().limits();
    List<BatchContents> file = new ArrayList<>();
    long fileBytes = 0;
    int fileRequests = 0;
    int part = 0;
    for (BatchMessage message : messages) {
      if (!ports.pending(jobId, message.seq())) {
        continue;
      }
      BatchContents contents = ports.load(job, message);
      if (contents.missing().isEmpty()) {
        // every chunk got cached since the fan-out: nothing to buy
        ports.account(job, contents, Map.of(), List.of());
        continue;
      }
      long bytes = requestBytes(job, contents);
      if (!file.isEmpty()
          && (fileRequests + contents.missing().size() > limits.maxRequests()
              || fileBytes + bytes > limits.maxBytes())) {
        submitFile(job, partId(baseId, attempt, part++), attempt, file, previous);
        file = new ArrayList<>();
        fileBytes = 0;
        fileRequests = 0;
      }
      file.add(contents);
      fileBytes += bytes;
      fileRequests += contents.missing().size();
    }
    if (!file.isEmpty()) {
      submitFile(job, partId(baseId, attempt, part), attempt, file, previous);
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
      if (ports.economy().claim(job.jobId(), seq, id, previous).equals(id)) {
        claimed.add(contents);
      }
    }
    if (claimed.isEmpty()) {
      return;
    }
    Submission submission =
        ports
            .economy()
            .createIfAbsent(
                Submission.prepared(
                    job.jobId(),
                    id,
                    claimed.stream().map(c -> c.message().seq()).toList(),
                    attempt));
    if (submission.phase() == Submission.Phase.SUBMITTED) {
      // submitted before this resend; its poll may have been lost in the crash: one more poll
      // is harmless (a poll of a settled submission does nothing)
      ports.schedulePoll(job.jobId(), id, 0, 0);
      return;
    }
    if (submission.phase() != Submission.Phase.PREPARED) {
      return;
    }
    ByteArrayOutputStream jsonl = new ByteArrayOutputStream();
    for (BatchContents contents : claimed) {
      if (submission.seqs().contains(contents.message().seq())) {
        for (ProviderBatchApi.Request request : requests(job, contents)) {
          jsonl.writeBytes(ports.api().line(request));
        }
      }
    }
    ProviderBatch batch =
        ports
            .api()
            .submit(
                job.jobId() + "-" + id + ".jsonl",
                jsonl.toByteArray(),
                Map.of("signal_hub_job", job.jobId(), "signal_hub_submission", id));
    LOG.info(
        () -> "Job " + job.jobId() + ": submission " + id + " is provider batch " + batch.id());
    ports.economy().update(submission, submission.submitted(batch));
    ports.schedulePoll(job.jobId(), id, 0, 0);
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

  private long requestBytes(JobRecord job, BatchContents contents) {
    long bytes = 0;
    for (ProviderBatchApi.Request request : requests(job, contents)) {
      bytes += ports.api().line(request).length;
    }
    return bytes;
  }
}
