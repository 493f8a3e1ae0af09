package io.signalhub.indexing.core.pipeline;

import java.util.List;

/**
 * A batch queue whose {@code n}-th send throws, like a fan-out invocation that dies after
 * registering a group and before sending it; every other send goes to {@code real}.
 */
public final class CrashingQueue implements BatchQueue {
  private final BatchQueue real;
  private final int crashingSend;
  private final String crash;
  private int sends;

  public CrashingQueue(BatchQueue real, int crashingSend, String crash) {
    this.real = real;
    this.crashingSend = crashingSend;
    this.crash = crash;
  }

  @Override
  public synchronized void send(List<BatchMessage> messages) {
    if (++sends == crashingSend) {
      throw new IllegalStateException(crash);
    }
    real.send(messages);
  }
}
