package io.signalhub.indexing.core.pipeline;

import java.util.List;

/** The {@link BatchQueue} contract on the in-memory queue. */
class InMemoryBatchQueueTest extends BatchQueueContract {

  @Override
  protected BatchQueue newQueue() {
    return new InMemoryBatchQueue();
  }

  @Override
  protected List<BatchMessage> received() {
    return ((InMemoryBatchQueue) queue).sent();
  }
}
