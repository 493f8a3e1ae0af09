package io.signalhub.indexing.core.pipeline;

import java.util.List;

/** Where batches wait for an embedder. SQS in production. */
public interface BatchQueue {

  /**
   * Sends the messages (at most 10), retrying entries the queue reports as failed.
   *
   * @throws IllegalStateException if some entries could not be sent after retries
   */
  void send(List<BatchMessage> messages);

  /**
   * Every batch numbered {@code firstSeq} to {@code endSeq} (exclusive) that was registered has
   * been sent, and no more will be: the fan-out tells it when it has registered a whole track (the
   * manifest, or one shard), before the track is marked complete (so a fan-out that crashes in
   * between tells it again); a recovery after a restart, for each run of batches it resent. Economy
   * mode gathers them into provider files here; an on-demand queue has nothing to do.
   */
  default void allSent(String jobId, long firstSeq, long endSeq) {}
}
