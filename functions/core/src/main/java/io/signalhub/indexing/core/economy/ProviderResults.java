package io.signalhub.indexing.core.economy;

import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.pipeline.BatchAccounting;
import io.signalhub.indexing.core.pipeline.BatchContents;
import io.signalhub.indexing.core.pipeline.BatchMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A finished provider batch's results, counted: each of the submission's still-pending batches is
 * finished by {@link BatchContents} (vectors matched by {@code custom_id}, error lines counted
 * failed with the provider's reason) and counted by {@link BatchAccounting}, whose marker makes a
 * second count impossible. What an expired, cancelled or failed provider batch did not finish is
 * handed back for the fallback, its partial vectors cached so the fallback does not pay for them
 * again.
 */
final class ProviderResults {

  /**
   * What counting found.
   *
   * @param deferred a batch waits for an earlier one holding its repeated texts: poll again
   * @param leftover batches the provider batch did not finish, for the job's fallback
   * @param billed tokens billed at the batch price, counted batches included
   */
  record Counted(boolean deferred, List<BatchMessage> leftover, long billed) {}

  private final EconomyPorts ports;

  ProviderResults(EconomyPorts ports) {
    this.ports = ports;
  }

  Counted count(JobRecord job, Submission submission, ProviderBatch batch) {
    Map<String, ProviderBatchApi.Result> results = new HashMap<>();
    for (ProviderBatchApi.Result result : ports.api().results(batch)) {
      results.put(result.customId(), result);
    }
    boolean completed = batch.state() == ProviderBatch.State.COMPLETED;
    long billed = 0;
    List<BatchContents> pending = new ArrayList<>();
    for (long seq : submission.seqs()) {
      if (!ports.pending(job.jobId(), seq)) {
        billed += tokens(seq, results); // counted before a crash: still billed
      } else {
        pending.add(ports.load(job, ports.message(job.jobId(), seq)));
      }
    }
    Map<String, ProviderBatchApi.Result> byKey = byText(pending, results);
    List<BatchMessage> leftover = new ArrayList<>();
    boolean deferred = false;
    for (BatchContents contents : pending) {
      if (contents.missing().stream()
          .anyMatch(
              key -> !byKey.containsKey(key) && ports.awaitsTwin(job.jobId(), contents, key))) {
        deferred = true; // its repeated texts come with an earlier batch: count it after that one
        continue;
      }
      billed += countOne(job, contents, results, byKey, completed, leftover);
    }
    return new Counted(deferred, leftover, billed);
  }

  /** By text: a twin (a text an earlier batch of the same file carries) was not requested twice. */
  private static Map<String, ProviderBatchApi.Result> byText(
      List<BatchContents> pending, Map<String, ProviderBatchApi.Result> results) {
    Map<String, ProviderBatchApi.Result> byKey = new HashMap<>();
    for (BatchContents contents : pending) {
      for (String key : contents.missing()) {
        ProviderBatchApi.Result result = results.get(resultId(contents, key));
        if (result != null && (result.succeeded() || !byKey.containsKey(key))) {
          byKey.put(key, result);
        }
      }
    }
    return byKey;
  }

  /**
   * Counts one batch, or caches what it got and adds it to {@code leftover}; returns its tokens.
   */
  private long countOne(
      JobRecord job,
      BatchContents contents,
      Map<String, ProviderBatchApi.Result> results,
      Map<String, ProviderBatchApi.Result> byKey,
      boolean completed,
      List<BatchMessage> leftover) {
    List<ProviderBatchApi.Result> own = new ArrayList<>();
    Map<String, ProviderBatchApi.Result> keyed = new HashMap<>();
    boolean allSucceeded = true;
    for (String key : contents.missing()) {
      ProviderBatchApi.Result line = results.get(resultId(contents, key));
      if (line != null) {
        own.add(line);
      }
      ProviderBatchApi.Result result = byKey.get(key);
      if (result != null) {
        keyed.put(key, result);
      }
      allSucceeded &= result != null && result.succeeded();
    }
    boolean orphaned =
        contents.missing().stream()
            .anyMatch(key -> !byKey.containsKey(key) && contents.twinOf(key) != null);
    if ((completed || allSucceeded) && !orphaned) {
      ports.account(job, contents, keyed, own);
    } else {
      // keep what the provider did finish, so the fallback does not pay for it again
      Map<String, float[]> done = new HashMap<>();
      keyed.forEach(
          (key, r) -> {
            if (r.succeeded()) {
              done.put(key, r.vector());
            }
          });
      ports.cache().putAll(done);
      leftover.add(contents.message());
    }
    return own.stream().mapToLong(ProviderBatchApi.Result::tokens).sum();
  }

  private static String resultId(BatchContents contents, String key) {
    return EconomyPorts.customId(contents.message().seq(), contents.firstIndex(key));
  }

  private static long tokens(long seq, Map<String, ProviderBatchApi.Result> results) {
    String prefix = seq + "-";
    return results.values().stream()
        .filter(r -> r.customId().startsWith(prefix))
        .mapToLong(ProviderBatchApi.Result::tokens)
        .sum();
  }
}
