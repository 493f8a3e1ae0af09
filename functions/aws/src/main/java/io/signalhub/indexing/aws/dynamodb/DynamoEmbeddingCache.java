package io.signalhub.indexing.aws.dynamodb;

import io.signalhub.indexing.core.cache.EmbeddingCache;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The content-hash cache in DynamoDB: {@code key} (SHA-256 of model, dimensions, text) to the
 * vector as little-endian float32 bytes (1.5 KiB for 384 dimensions, 6 KiB for 1,536). Entries
 * expire by TTL after {@code retention}, so a model change does not keep dead vectors forever.
 * Reads use BatchGetItem (100 keys), writes BatchWriteItem (25), both retrying unprocessed items.
 */
public final class DynamoEmbeddingCache implements EmbeddingCache {

  public static final String KEY = "key";
  private static final int MAX_UNPROCESSED_ROUNDS = 8;

  private final DynamoDbClient dynamo;
  private final String table;
  private final Clock clock;
  private final Duration retention;

  public DynamoEmbeddingCache(
      DynamoDbClient dynamo, String table, Clock clock, Duration retention) {
    this.dynamo = dynamo;
    this.table = table;
    this.clock = clock;
    this.retention = retention;
  }

  @Override
  public Map<String, float[]> getAll(Collection<String> keys) {
    Map<String, float[]> found = new HashMap<>();
    // BatchGetItem refuses a request that names a key twice
    List<String> all = new ArrayList<>(new LinkedHashSet<>(keys));
    for (int i = 0; i < all.size(); i += 100) {
      List<Map<String, AttributeValue>> batch =
          all.subList(i, Math.min(all.size(), i + 100)).stream()
              .map(k -> Map.of(KEY, AttributeValue.fromS(k)))
              .toList();
      Map<String, KeysAndAttributes> request =
          Map.of(table, KeysAndAttributes.builder().keys(batch).build());
      for (int round = 0; !request.isEmpty() && round < MAX_UNPROCESSED_ROUNDS; round++) {
        Map<String, KeysAndAttributes> pending = request;
        BatchGetItemResponse response = dynamo.batchGetItem(r -> r.requestItems(pending));
        response
            .responses()
            .getOrDefault(table, List.of())
            .forEach(item -> found.put(item.get(KEY).s(), decode(item.get("vector").b())));
        request = response.unprocessedKeys();
      }
    }
    return found;
  }

  @Override
  public void putAll(Map<String, float[]> vectors) {
    long expiresAt = clock.instant().plus(retention).getEpochSecond();
    List<WriteRequest> writes = new ArrayList<>();
    vectors.forEach(
        (key, vector) ->
            writes.add(
                WriteRequest.builder()
                    .putRequest(
                        PutRequest.builder()
                            .item(
                                Map.of(
                                    KEY,
                                    AttributeValue.fromS(key),
                                    "vector",
                                    AttributeValue.fromB(encode(vector)),
                                    Items.EXPIRES_AT,
                                    AttributeValue.fromN(Long.toString(expiresAt))))
                            .build())
                    .build()));
    // a cache write is best effort: what DynamoDB still leaves unprocessed is embedded again later
    BatchWrites.writeAll(dynamo, table, writes, MAX_UNPROCESSED_ROUNDS);
  }

  static SdkBytes encode(float[] vector) {
    ByteBuffer buffer = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float value : vector) {
      buffer.putFloat(value);
    }
    return SdkBytes.fromByteArray(buffer.array());
  }

  static float[] decode(SdkBytes bytes) {
    ByteBuffer buffer = bytes.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    float[] vector = new float[buffer.remaining() / 4];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = buffer.getFloat();
    }
    return vector;
  }
}
