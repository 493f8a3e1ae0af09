package io.signalhub.indexing.aws.dynamodb;

import static io.signalhub.indexing.aws.dynamodb.Items.text;
import static io.signalhub.indexing.aws.dynamodb.JobItem.key;

import io.signalhub.indexing.core.job.Cursor;
import io.signalhub.indexing.core.job.Failure;
import io.signalhub.indexing.core.job.JobStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Samples of a job's failures, one item per batch or fan-out group that had any ({@code sk} =
 * {@code failure#<time recorded>#<source>}), each keeping at most {@link
 * JobStore#FAILURES_KEPT_PER_WRITE} of them.
 */
record FailureSamples(JobPartition partition) {
  private static final String PREFIX = "failure#";
  private static final String FAILURES = "failures";
  private static final String LOCATION = "location";
  private static final String REASON = "reason";

  /** The failures of one embedded batch. */
  TransactWriteItem ofBatch(String jobId, long seq, List<Failure> failures, Instant now) {
    return item(jobId, sortKey(now, String.format("b#%010d", seq)), failures);
  }

  /** The files a fan-out group could not read, the group starting at {@code from}. */
  TransactWriteItem ofGroup(String jobId, Cursor from, List<Failure> failures, Instant now) {
    return item(
        jobId, sortKey(now, String.format("f#%019d:%010d", from.file(), from.chunk())), failures);
  }

  /** The oldest {@code limit} failures of the job. */
  List<Failure> sample(String jobId, int limit) {
    List<Failure> failures = new ArrayList<>();
    // each item holds at least one failure: the first `limit` items hold enough
    for (Map<String, AttributeValue> item : partition.first(jobId, PREFIX, limit, true)) {
      for (AttributeValue entry :
          item.getOrDefault(FAILURES, AttributeValue.fromL(List.of())).l()) {
        if (failures.size() < limit) {
          failures.add(new Failure(text(entry.m(), LOCATION, ""), text(entry.m(), REASON, "")));
        }
      }
    }
    return failures;
  }

  /**
   * Failure items sort by the time they were recorded, so a query reads them oldest first; the
   * source (a batch, or the group starting at a cursor) keeps keys unique and their order stable.
   */
  private static String sortKey(Instant at, String source) {
    return String.format(PREFIX + "%012d%09d#%s", at.getEpochSecond(), at.getNano(), source);
  }

  private TransactWriteItem item(String jobId, String sk, List<Failure> failures) {
    Map<String, AttributeValue> item = new HashMap<>(key(jobId, sk));
    item.put(
        FAILURES,
        AttributeValue.fromL(
            failures.stream()
                .limit(JobStore.FAILURES_KEPT_PER_WRITE)
                .map(
                    f ->
                        AttributeValue.fromM(
                            Map.of(
                                LOCATION,
                                text(f.location()),
                                REASON,
                                text(f.reason() == null ? "" : f.reason()))))
                .toList()));
    return TransactWriteItem.builder().put(p -> p.tableName(partition.table()).item(item)).build();
  }
}
