package io.signalhub.indexing.aws.dynamodb;

import static io.signalhub.indexing.aws.dynamodb.Items.text;
import static io.signalhub.indexing.aws.dynamodb.JobItem.JOB;
import static io.signalhub.indexing.aws.dynamodb.JobItem.PK;
import static io.signalhub.indexing.aws.dynamodb.JobItem.SK;
import static io.signalhub.indexing.aws.dynamodb.JobItem.key;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The jobs table as its stores read it: every item sits in its job's partition ({@code pk} = job
 * id) under a sort key naming its kind ({@code sk}: {@code job}, {@code batch#<seq>}, {@code
 * failure#...}, {@code economy#...}), so a read, a put-if-absent and a query by sort-key prefix are
 * the same calls for the job, its markers, samples, activity and economy items.
 */
final class JobPartition {

  private final DynamoDbClient dynamo;
  private final String table;
  private final ConflictRetry conflicts;

  JobPartition(DynamoDbClient dynamo, String table, ConflictRetry conflicts) {
    this.dynamo = dynamo;
    this.table = table;
    this.conflicts = conflicts;
  }

  String table() {
    return table;
  }

  /** The job's item {@code sk}, read consistently; empty if there is none. */
  Optional<Map<String, AttributeValue>> read(String jobId, String sk) {
    Map<String, AttributeValue> item =
        dynamo.getItem(r -> r.tableName(table).key(key(jobId, sk)).consistentRead(true)).item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
  }

  /** Puts the item unless one with its key exists; false if one did (nothing changed). */
  boolean putIfAbsent(Map<String, AttributeValue> item) {
    return put(item, Condition.notExists(PK));
  }

  /** Puts the item if the one it replaces (or its absence) meets {@code condition}; else false. */
  boolean put(Map<String, AttributeValue> item, Condition condition) {
    Update aliases = new Update().condition(condition);
    try {
      conflicts.write(
          () ->
              dynamo.putItem(
                  r ->
                      r.tableName(table)
                          .item(item)
                          .conditionExpression(aliases.conditionExpression())
                          .expressionAttributeNames(aliases.names())
                          .expressionAttributeValues(aliases.values())));
      return true;
    } catch (ConditionalCheckFailedException conditionFailed) {
      return false;
    }
  }

  /**
   * Every item of the job whose sort key starts with {@code prefix}, in key order, consistently.
   */
  Stream<Map<String, AttributeValue>> startingWith(String jobId, String prefix) {
    return dynamo
        .queryPaginator(r -> byPrefix(r, jobId, prefix).consistentRead(true))
        .items()
        .stream();
  }

  /**
   * At most {@code limit} items of the job whose sort key starts with {@code prefix}, in one query:
   * the lowest keys first, or the highest first if not {@code ascending}.
   */
  List<Map<String, AttributeValue>> first(
      String jobId, String prefix, int limit, boolean ascending) {
    return dynamo
        .query(r -> byPrefix(r, jobId, prefix).scanIndexForward(ascending).limit(limit))
        .items();
  }

  /**
   * Deletes every item of the job's partition: the job, its markers, samples, activity and economy
   * items.
   */
  void deleteAll(String jobId) {
    List<WriteRequest> deletes =
        dynamo
            .queryPaginator(
                r ->
                    r.tableName(table)
                        .keyConditionExpression("#pk = :job")
                        .projectionExpression("#pk, #sk")
                        .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK))
                        .expressionAttributeValues(Map.of(":job", text(jobId))))
            .items()
            .stream()
            .map(
                item ->
                    WriteRequest.builder()
                        .deleteRequest(d -> d.key(Map.of(PK, item.get(PK), SK, item.get(SK))))
                        .build())
            .toList();
    // nothing of a deleted job may stay behind: resent until DynamoDB has processed every delete
    BatchWrites.writeAll(dynamo, table, deletes, Integer.MAX_VALUE);
  }

  /** Updates the job's item, which must exist. */
  void updateJob(String jobId, Update update) {
    conflicts.write(
        () ->
            dynamo.updateItem(
                update.condition(Condition.exists(PK)).request(table, key(jobId, JOB))));
  }

  /** Updates the job's item if the update's condition holds; false if it did not. */
  boolean updateJobIf(String jobId, Update update) {
    return updateIf(jobId, JOB, update);
  }

  /** Updates the job's item {@code sk} if the update's condition holds; false if it did not. */
  boolean updateIf(String jobId, String sk, Update update) {
    try {
      conflicts.write(() -> dynamo.updateItem(update.request(table, key(jobId, sk))));
      return true;
    } catch (ConditionalCheckFailedException conditionFailed) {
      return false;
    }
  }

  /**
   * Applies the writes in one transaction; false if a condition failed (a batch already counted, a
   * cursor that moved): an answer, not an error. A transaction that only lost a race is sent again.
   */
  boolean transact(List<TransactWriteItem> writes) {
    try {
      conflicts.write(() -> dynamo.transactWriteItems(r -> r.transactItems(writes)));
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

  /** The number a sort key such as {@code batch#0000000042} holds after its {@code prefix}. */
  static long sortKeyNumber(Map<String, AttributeValue> item, String prefix) {
    return Long.parseLong(text(item, SK, prefix + "0").substring(prefix.length()));
  }

  private QueryRequest.Builder byPrefix(QueryRequest.Builder query, String jobId, String prefix) {
    return query
        .tableName(table)
        .keyConditionExpression("#pk = :job AND begins_with(#sk, :prefix)")
        .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK))
        .expressionAttributeValues(Map.of(":job", text(jobId), ":prefix", text(prefix)));
  }
}
