package io.signalhub.indexing.aws.dynamodb;

import static io.signalhub.indexing.aws.dynamodb.Items.number;
import static io.signalhub.indexing.aws.dynamodb.Items.text;
import static io.signalhub.indexing.aws.dynamodb.Items.time;
import static io.signalhub.indexing.aws.dynamodb.JobItem.PK;
import static io.signalhub.indexing.aws.dynamodb.JobItem.key;

import io.signalhub.indexing.core.job.BatchState;
import io.signalhub.indexing.core.job.RegisteredBatch;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * One marker item per registered batch ({@code sk} = {@code batch#<seq>}): PENDING when the fan-out
 * registers it, DONE when the embedder's transaction counts it. The marker's condition is what
 * makes a batch count exactly once.
 */
record BatchMarkers(JobPartition partition) {
  private static final String PREFIX = "batch#";
  private static final String STATE = "state";
  private static final String CHUNKS = "chunks";
  private static final String DONE_AT = "doneAt";
  private static final String FAILED = "failed";

  private static String sortKey(long seq) {
    return String.format(PREFIX + "%010d", seq);
  }

  /** Writes a new PENDING marker; the transaction fails if the batch was registered before. */
  TransactWriteItem register(String jobId, RegisteredBatch batch) {
    Map<String, AttributeValue> marker = new HashMap<>(key(jobId, sortKey(batch.seq())));
    marker.put(STATE, text(BatchState.PENDING.name()));
    marker.put(CHUNKS, number(batch.chunks()));
    return TransactWriteItem.builder()
        .put(
            p ->
                p.tableName(partition.table())
                    .item(marker)
                    .conditionExpression("attribute_not_exists(" + PK + ")"))
        .build();
  }

  /** Moves a marker from PENDING to DONE; the transaction fails if it was not PENDING. */
  TransactWriteItem markDone(String jobId, long seq, long failed, Instant now) {
    Update marker =
        new Update()
            .set(STATE, text(BatchState.DONE.name()))
            .set(DONE_AT, time(now))
            .set(FAILED, number(failed));
    marker.condition(Condition.equalTo(STATE, text(BatchState.PENDING.name())));
    return marker.inTransaction(partition.table(), key(jobId, sortKey(seq)));
  }

  BatchState state(String jobId, long seq) {
    return partition
        .read(jobId, sortKey(seq))
        .map(marker -> BatchState.valueOf(text(marker, STATE, "MISSING")))
        .orElse(BatchState.MISSING);
  }

  /** The number of chunks registered in the batch, or -1 if there is no such batch. */
  int chunkCount(String jobId, long seq) {
    return partition
        .read(jobId, sortKey(seq))
        .map(marker -> (int) number(marker, CHUNKS))
        .orElse(-1);
  }

  /**
   * The numbers of the job's batches still PENDING, in order. Filtered here rather than by a filter
   * expression: DynamoDB reads (and bills) the filtered-out markers either way
   * (docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.FilterExpression.html).
   */
  List<Long> pending(String jobId) {
    return partition
        .startingWith(jobId, PREFIX)
        .filter(marker -> BatchState.PENDING.name().equals(text(marker, STATE, "")))
        .map(marker -> JobPartition.sortKeyNumber(marker, PREFIX))
        .toList();
  }
}
