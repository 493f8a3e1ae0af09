package io.signalhub.indexing.aws.dynamodb;

import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Any number of puts or deletes through {@code BatchWriteItem}, which takes at most 25 requests and
 * may leave some unprocessed, to be sent again
 * (docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html).
 */
final class BatchWrites {
  private BatchWrites() {}

  private static final int MAX_PER_REQUEST = 25;

  /**
   * Sends {@code writes} to {@code table} 25 at a time, each request's unprocessed writes again up
   * to {@code rounds} times in all.
   */
  static void writeAll(DynamoDbClient dynamo, String table, List<WriteRequest> writes, int rounds) {
    for (int i = 0; i < writes.size(); i += MAX_PER_REQUEST) {
      Map<String, List<WriteRequest>> request =
          Map.of(table, writes.subList(i, Math.min(writes.size(), i + MAX_PER_REQUEST)));
      for (int round = 0; !request.isEmpty() && round < rounds; round++) {
        Map<String, List<WriteRequest>> pending = request;
        request = dynamo.batchWriteItem(r -> r.requestItems(pending)).unprocessedItems();
      }
    }
  }
}
