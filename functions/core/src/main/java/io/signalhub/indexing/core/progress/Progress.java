package io.signalhub.indexing.core.progress;

import java.time.Duration;
import java.util.List;

/**
 * Where a run stands. Rates are over a recent window, not the run's average, so the ETA follows
 * what is happening now.
 *
 * @param total chunks known so far
 * @param totalFinal whether {@code total} is final (the input has been read to its end)
 * @param completed chunks with a vector, cached ones included
 * @param failed chunks that failed for good, each with a reason
 * @param cached chunks answered from the cache or from an identical chunk in the run
 * @param batchesProcessed batches finished
 * @param apiCalls requests sent to the provider, retries included
 * @param apiCallsSaved requests one-call-per-chunk would have made beyond {@code apiCalls}
 * @param tokens tokens billed
 * @param retries requests retried after a retryable failure
 * @param throttled 429 answers
 * @param truncated chunks truncated to fit the model (reported, never silent)
 * @param chunksPerSecond rate over the recent window
 * @param eta time to finish at that rate; null when unknown
 * @param elapsed time since the run started
 * @param failureSamples the first few failures, "path:lines: reason"
 */
public record Progress(
    long total,
    boolean totalFinal,
    long completed,
    long failed,
    long cached,
    long batchesProcessed,
    long apiCalls,
    long apiCallsSaved,
    long tokens,
    long retries,
    long throttled,
    long truncated,
    double chunksPerSecond,
    Duration eta,
    Duration elapsed,
    List<String> failureSamples) {

  /** Completed and failed: chunks that need nothing more. */
  public long done() {
    return completed + failed;
  }

  public double percent() {
    return total == 0 ? (totalFinal ? 100.0 : 0.0) : 100.0 * done() / total;
  }

  /** The ETA is provisional while the total may still grow. */
  public boolean etaProvisional() {
    return !totalFinal;
  }

  public boolean finished() {
    return totalFinal && done() >= total;
  }
}
