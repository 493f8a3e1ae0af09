package io.signalhub.indexing.core.pipeline;

import io.signalhub.indexing.core.job.JobStore;
import java.util.List;

/**
 * Sends registered batches again, from what the job store holds: a resumed fan-out resends its last
 * group's, a restarted local stack every pending one. The payloads are in the bucket already, so
 * the messages are byte-identical to the first ones; the embedder ignores any it already accounted.
 */
public final class PendingBatches {

  /** SQS's SendMessageBatch takes at most 10 entries. */
  private static final int PER_SEND = 10;

  private PendingBatches() {}

  /**
   * Sends the job's batches {@code seqs}, in groups of up to 10.
   *
   * @return how many were sent
   */
  public static int resend(JobStore jobs, BatchQueue queue, String jobId, List<Long> seqs) {
    List<BatchMessage> messages =
        seqs.stream()
            .map(
                seq ->
                    new BatchMessage(
                        jobId,
                        seq,
                        jobs.batchChunkCount(jobId, seq),
                        Keys.batchPayload(jobId, seq)))
            .toList();
    for (int i = 0; i < messages.size(); i += PER_SEND) {
      queue.send(messages.subList(i, Math.min(messages.size(), i + PER_SEND)));
    }
    return messages.size();
  }
}
