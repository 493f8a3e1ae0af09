package io.signalhub.indexing.core.job;

import io.signalhub.indexing.core.source.SkipReason;
import java.util.List;
import java.util.Map;

/**
 * What the fan-out registers atomically before sending a group of batch messages: the batches, the
 * cached chunks and skipped files between {@code from} and {@code to}, and the cursor moving from
 * one to the other. Registering twice from the same {@code from} is refused, so a resumed or
 * duplicate fan-out never counts anything twice.
 */
public record GroupRegistration(
    Cursor from,
    Cursor to,
    List<RegisteredBatch> batches,
    long cachedChunks,
    long filesRead,
    Map<SkipReason, Long> skippedFiles,
    List<Failure> fileFailures) {

  public long batchedChunks() {
    return batches.stream().mapToLong(RegisteredBatch::chunks).sum();
  }

  public long nextSeq(long current) {
    return batches.isEmpty() ? current : batches.get(batches.size() - 1).seq() + 1;
  }
}
