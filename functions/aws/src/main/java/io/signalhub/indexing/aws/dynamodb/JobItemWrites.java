package io.signalhub.indexing.aws.dynamodb;

import static io.signalhub.indexing.aws.dynamodb.Condition.exists;
import static io.signalhub.indexing.aws.dynamodb.Condition.in;
import static io.signalhub.indexing.aws.dynamodb.Condition.not;
import static io.signalhub.indexing.aws.dynamodb.Items.text;
import static io.signalhub.indexing.aws.dynamodb.JobItem.JOB;
import static io.signalhub.indexing.aws.dynamodb.JobItem.PK;
import static io.signalhub.indexing.aws.dynamodb.JobItem.STATUS;
import static io.signalhub.indexing.aws.dynamodb.JobItem.key;

import io.signalhub.indexing.core.job.JobStatus;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Writes to a job item and transactions around it: a failed condition is an answer ({@code false}),
 * not an error.
 */
final class JobItemWrites {

  /** Statuses after which a job changes no more. */
  static final Condition NOT_TERMINAL =
      not(
          in(
              STATUS,
              text(JobStatus.COMPLETED.name()),
              text(JobStatus.COMPLETED_WITH_FAILURES.name()),
              text(JobStatus.FAILED.name()),
              text(JobStatus.CANCELLED.name())));

  private final DynamoDbClient dynamo;
  private final String table;

  JobItemWrites(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  String table() {
    return table;
  }

  /** Updates an existing job item. */
  void update(String jobId, Update update) {
    dynamo.updateItem(update.condition(exists(PK)).request(table, key(jobId, JOB)));
  }

  /** Updates the job item if the update's condition holds; false if it did not. */
  boolean conditionalUpdate(String jobId, Update update) {
    return conditionalUpdate(key(jobId, JOB), update);
  }

  /** Updates one of a job's items if the update's condition holds; false if it did not. */
  boolean conditionalUpdate(Map<String, AttributeValue> key, Update update) {
    try {
      dynamo.updateItem(update.request(table, key));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /**
   * True if the transaction was applied; false if a condition failed (already done, cursor moved).
   */
  boolean transact(List<TransactWriteItem> writes) {
    try {
      dynamo.transactWriteItems(r -> r.transactItems(writes));
      return true;
    } catch (TransactionCanceledException e) {
      boolean conditionFailed =
          e.cancellationReasons().stream()
              .anyMatch(reason -> "ConditionalCheckFailed".equals(reason.code()));
      if (conditionFailed) {
        return false;
      }
      throw e;
    }
  }
}
