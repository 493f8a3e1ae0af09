package io.signalhub.indexing.aws.dynamodb;

import io.signalhub.indexing.core.ratelimit.RateBudget;
import io.signalhub.indexing.core.ratelimit.TokenBucket;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The provider's requests/min and tokens/min as one budget shared by every embedder: two token
 * buckets in one DynamoDB item, taken with an optimistic, version-conditioned write. Concurrent
 * takers that lose the race re-read and try again, so the sum over all Lambdas never exceeds the
 * budget. A request the provider refuses with a 429 is given back the same way. Cost: one
 * consistent read and one conditional write per request (docs/benchmarks.md measures the overhead).
 */
public final class DynamoRateBudget implements RateBudget {

  public static final String KEY = "budget";
  private static final int MAX_CONFLICTS = 20;

  private final DynamoDbClient dynamo;
  private final String table;
  private final String budget;
  private final long requestsPerMinute;
  private final long tokensPerMinute;
  private final Clock clock;

  public DynamoRateBudget(
      DynamoDbClient dynamo,
      String table,
      String budget,
      long requestsPerMinute,
      long tokensPerMinute,
      Clock clock) {
    this.dynamo = dynamo;
    this.table = table;
    this.budget = budget;
    this.requestsPerMinute = requestsPerMinute;
    this.tokensPerMinute = tokensPerMinute;
    this.clock = clock;
  }

  @Override
  public Duration tryTake(long tokenCount) {
    return change(
        (requests, tokens, now) -> TokenBucket.takeBoth(requests, tokens, tokenCount, now));
  }

  @Override
  public void giveBack(long tokenCount) {
    change(
        (requests, tokens, now) -> {
          TokenBucket.giveBackBoth(requests, tokens, tokenCount, now);
          return 0;
        });
  }

  /** A change to both buckets: 0 to store it, else milliseconds to wait (nothing is stored). */
  private interface BucketChange {
    long apply(TokenBucket requests, TokenBucket tokens, long nowMillis);
  }

  /** Reads the buckets, applies the change and writes it back unless another writer came first. */
  private Duration change(BucketChange change) {
    for (int attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
      long now = clock.millis();
      Map<String, AttributeValue> item =
          dynamo
              .getItem(
                  r ->
                      r.tableName(table)
                          .key(Map.of(KEY, AttributeValue.fromS(budget)))
                          .consistentRead(true))
              .item();
      boolean exists = item != null && !item.isEmpty();
      long version = exists ? Long.parseLong(item.get("version").n()) : 0;
      TokenBucket requests =
          exists
              ? restore(item, "requests", requestsPerMinute)
              : new TokenBucket(requestsPerMinute, now);
      TokenBucket tokens =
          exists ? restore(item, "tokens", tokensPerMinute) : new TokenBucket(tokensPerMinute, now);
      long wait = change.apply(requests, tokens, now);
      if (wait > 0) {
        return Duration.ofMillis(wait);
      }
      try {
        dynamo.putItem(
            r ->
                r.tableName(table)
                    .item(
                        Map.of(
                            KEY,
                            AttributeValue.fromS(budget),
                            "requests",
                            AttributeValue.fromN(Double.toString(requests.storedAvailable())),
                            "tokens",
                            AttributeValue.fromN(Double.toString(tokens.storedAvailable())),
                            "updatedAt",
                            AttributeValue.fromN(
                                Long.toString(
                                    Math.max(requests.storedAtMillis(), tokens.storedAtMillis()))),
                            "version",
                            AttributeValue.fromN(Long.toString(version + 1))))
                    .conditionExpression(exists ? "#v = :v" : "attribute_not_exists(#k)")
                    .expressionAttributeNames(exists ? Map.of("#v", "version") : Map.of("#k", KEY))
                    .expressionAttributeValues(
                        exists
                            ? Map.of(":v", AttributeValue.fromN(Long.toString(version)))
                            : null));
        return Duration.ZERO;
      } catch (ConditionalCheckFailedException lostTheRace) {
        // another embedder took from the budget between our read and write: read again
      }
    }
    return Duration.ofMillis(50);
  }

  private static TokenBucket restore(
      Map<String, AttributeValue> item, String name, long perMinute) {
    return new TokenBucket(
        perMinute,
        Double.parseDouble(item.get(name).n()),
        Long.parseLong(item.get("updatedAt").n()));
  }
}
