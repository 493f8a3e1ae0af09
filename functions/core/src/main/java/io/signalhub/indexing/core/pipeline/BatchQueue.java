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
   * The fan-out has registered and sent every batch of one track (the manifest, or one shard),
   * numbers {@code firstSeq} to {@code endSeq} (exclusive). Told before the track is marked
   * complete, so a fan-out that crashes in between tells it again. Economy mode gathers the
   * track's last batches into a provider file here; an on-demand queue has nothing to do.
   */
  default void trackSent(String jobId, long firstSeq, long endSeq) {}
}
