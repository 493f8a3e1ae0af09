package io.signalhub.indexing.core.pipeline;

import java.util.ArrayList;
import java.util.List;

/** A {@link BatchQueue} that keeps what was sent, for unit tests. */
public final class InMemoryBatchQueue implements BatchQueue {

  private final List<BatchMessage> sent = new ArrayList<>();

  @Override
  public synchronized void send(List<BatchMessage> messages) {
    if (messages.size() > 10) {
      throw new IllegalArgumentException(
          "SQS sends at most 10 messages at once, got " + messages.size());
    }
    sent.addAll(messages);
  }

  public synchronized List<BatchMessage> sent() {
    return List.copyOf(sent);
  }

  /** Takes everything sent so far. */
  public synchronized List<BatchMessage> drain() {
    List<BatchMessage> all = new ArrayList<>(sent);
    sent.clear();
    return all;
  }
}
