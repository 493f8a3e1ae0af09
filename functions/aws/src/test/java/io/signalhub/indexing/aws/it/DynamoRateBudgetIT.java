package io.signalhub.indexing.aws.it;

import io.signalhub.indexing.aws.dynamodb.DynamoRateBudget;
import io.signalhub.indexing.core.ratelimit.RateBudget;
import io.signalhub.indexing.core.ratelimit.RateBudgetContract;
import java.time.Clock;

/**
 * The {@link RateBudget} contract on DynamoDB Local: every handle is its own {@link
 * DynamoRateBudget}, as each embedder Lambda holds one, drawing from one item.
 */
class DynamoRateBudgetIT extends RateBudgetContract {

  private static final String TABLE = EmbeddedClients.freshTables("rate").rate();

  @Override
  protected RateBudget budget(
      String name, long requestsPerMinute, long tokensPerMinute, Clock clock) {
    return new DynamoRateBudget(
        EmbeddedClients.aws().dynamo(), TABLE, name, requestsPerMinute, tokensPerMinute, clock);
  }
}
