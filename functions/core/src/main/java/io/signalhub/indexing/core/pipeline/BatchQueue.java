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
}
