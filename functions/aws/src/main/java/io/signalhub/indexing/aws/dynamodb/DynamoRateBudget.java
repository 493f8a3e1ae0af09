package io.signalhub.indexing.aws.dynamodb;

import io.signalhub.indexing.core.provider.QuotaSnapshot;
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
 *
 * <p>The item also holds the request cap an embedder learned ({@code requestTokenCap}: a "too
 * large" answer, or the provider's reported tokens/min), so every embedder cuts its requests the
 * same way. Each read refreshes what this instance knows of it; without configured limits ({@link
 * #capOnly}) nothing is metered and the cap is read at most every {@link #CAP_REFRESH}.
 */
public final class DynamoRateBudget implements RateBudget {

  public static final String KEY = "budget";
  private static final int MAX_CONFLICTS = 20;
  static final Duration CAP_REFRESH = Duration.ofSeconds(5);
  private static final String CAP = "requestTokenCap";
  private static final String LEARNED_REQUESTS = "learnedRequestsPerMinute";
  private static final String LEARNED_TOKENS = "learnedTokensPerMinute";

  private final DynamoDbClient dynamo;
  private final String table;
  private final String budget;
  private volatile long requestsPerMinute;
  private volatile long tokensPerMinute;
  private final Clock clock;
  private final boolean configured;
  private volatile long knownCap = Long.MAX_VALUE;
  private volatile long capReadAtMillis = Long.MIN_VALUE;

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
    this.configured = true;
  }

  private DynamoRateBudget(DynamoDbClient dynamo, String table, String budget, Clock clock) {
    this.dynamo = dynamo;
    this.table = table;
    this.budget = budget;
    this.requestsPerMinute = RateBudget.UNLIMITED;
    this.tokensPerMinute = RateBudget.UNLIMITED;
    this.clock = clock;
    this.configured = false;
  }

  /**
   * A budget for when no limits are configured: it shares the request cap and, once an embedder
   * learns the provider's limits from its headers ({@link #learnLimits}), meters every embedder
   * against them. Until then it costs one read every few seconds at most.
   */
  public static DynamoRateBudget capOnly(
      DynamoDbClient dynamo, String table, String budget, Clock clock) {
    return new DynamoRateBudget(dynamo, table, budget, clock);
  }

  @Override
  public long requestTokenCap() {
    long now = clock.millis();
    if (capReadAtMillis == Long.MIN_VALUE || now - capReadAtMillis >= CAP_REFRESH.toMillis()) {
      Map<String, AttributeValue> item = read();
      remember(item, now);
    }
    return Math.min(knownCap, RateBudget.asCap(tokensPerMinute));
  }

  @Override
  public void capRequestTokens(long cap) {
    if (cap >= knownCap) {
      return;
    }
    knownCap = cap;
    change((requests, tokens, now) -> 0, stored -> Math.min(stored, cap));
  }

  @Override
  public long maxRequestsInFlight() {
    return RateBudget.asCap(requestsPerMinute);
  }

  /**
   * Limits an embedder learned from the provider's headers, for every embedder (if unconfigured).
   */
  @Override
  public void learnLimits(QuotaSnapshot quota) {
    long requests = RateBudget.spendable(quota.limitRequests());
    long tokens = RateBudget.spendable(quota.limitTokens());
    if (configured || (requests == requestsPerMinute && tokens == tokensPerMinute)) {
      return;
    }
    requestsPerMinute = requests;
    tokensPerMinute = tokens;
    // the buckets start from what the provider said remains, not full
    change(
        (r, t, now) -> {
          if (quota.remainingRequests() >= 0) {
            r.reset(Math.min(r.available(now), quota.remainingRequests()), now);
          }
          if (quota.remainingTokens() >= 0) {
            t.reset(Math.min(t.available(now), quota.remainingTokens()), now);
          }
          return 0;
        },
        cap -> cap);
  }

  private boolean metered() {
    return configured
        || requestsPerMinute < RateBudget.UNLIMITED
        || tokensPerMinute < RateBudget.UNLIMITED;
  }

  private void remember(Map<String, AttributeValue> item, long now) {
    if (item != null && item.containsKey(CAP)) {
      knownCap = Math.min(knownCap, Long.parseLong(item.get(CAP).n()));
    }
    if (!configured && item != null && item.containsKey(LEARNED_REQUESTS)) {
      requestsPerMinute = Long.parseLong(item.get(LEARNED_REQUESTS).n());
      tokensPerMinute = Long.parseLong(item.get(LEARNED_TOKENS).n());
    }
    capReadAtMillis = now;
  }

  private Map<String, AttributeValue> read() {
    return dynamo
        .getItem(
            r ->
                r.tableName(table)
                    .key(Map.of(KEY, AttributeValue.fromS(budget)))
                    .consistentRead(true))
        .item();
  }

  @Override
  public Duration tryTake(long tokenCount) {
    if (!metered()) {
      return Duration.ZERO;
    }
    return change(
        (requests, tokens, now) -> TokenBucket.takeBoth(requests, tokens, tokenCount, now),
        cap -> cap);
  }

  @Override
  public void giveBack(long tokenCount) {
    if (!metered()) {
      return;
    }
    change(
        (requests, tokens, now) -> {
          TokenBucket.giveBackBoth(requests, tokens, tokenCount, now);
          return 0;
        },
        cap -> cap);
  }

  /** A change to both buckets: 0 to store it, else milliseconds to wait (nothing is stored). */
  private interface BucketChange {
    long apply(TokenBucket requests, TokenBucket tokens, long nowMillis);
  }

  /**
   * Reads the buckets and the cap, applies the changes and writes them back unless another writer
   * came first.
   */
  private Duration change(BucketChange change, java.util.function.LongUnaryOperator capChange) {
    for (int attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
      long now = clock.millis();
      Map<String, AttributeValue> item = read();
      remember(item, now);
      boolean exists = item != null && !item.isEmpty();
      long cap = capChange.applyAsLong(knownCap);
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
      Map<String, AttributeValue> stored = new java.util.HashMap<>();
      stored.put(KEY, AttributeValue.fromS(budget));
      stored.put("requests", AttributeValue.fromN(Double.toString(requests.storedAvailable())));
      stored.put("tokens", AttributeValue.fromN(Double.toString(tokens.storedAvailable())));
      stored.put(
          "updatedAt",
          AttributeValue.fromN(
              Long.toString(Math.max(requests.storedAtMillis(), tokens.storedAtMillis()))));
      stored.put("version", AttributeValue.fromN(Long.toString(version + 1)));
      if (cap != Long.MAX_VALUE) {
        stored.put(CAP, AttributeValue.fromN(Long.toString(cap)));
      }
      if (!configured && metered()) {
        stored.put(LEARNED_REQUESTS, AttributeValue.fromN(Long.toString(requestsPerMinute)));
        stored.put(LEARNED_TOKENS, AttributeValue.fromN(Long.toString(tokensPerMinute)));
      }
      try {
        dynamo.putItem(
            r ->
                r.tableName(table)
                    .item(stored)
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
    // min: a bucket stored while the limits were unknown holds "unlimited" until they are learned
    return new TokenBucket(
        perMinute,
        Math.min(perMinute, Double.parseDouble(item.get(name).n())),
        Long.parseLong(item.get("updatedAt").n()));
  }
}
