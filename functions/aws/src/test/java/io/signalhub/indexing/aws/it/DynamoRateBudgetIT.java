package io.signalhub.indexing.aws.it;

import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.aws.dynamodb.DynamoRateBudget;
import io.signalhub.indexing.aws.dynamodb.DynamoTables;
import io.signalhub.indexing.core.ratelimit.RateBudget;
import io.signalhub.indexing.core.ratelimit.RateBudgetContract;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The {@link RateBudget} contract on DynamoDB Local: every handle is its own {@link
 * DynamoRateBudget}, as each embedder Lambda holds one, drawing from one item.
 */
class DynamoRateBudgetIT extends RateBudgetContract {

  private static AwsPipeline aws;
  private static String table;

  @BeforeAll
  static void connect() {
    aws = EmbeddedClients.open();
    table = EmbeddedClients.unique("rate");
    DynamoTables.createAll(aws.dynamo(), table + "-jobs", table + "-cache", table);
  }

  @AfterAll
  static void disconnect() {
    aws.close();
  }

  @Override
  protected RateBudget budget(
      String name, long requestsPerMinute, long tokensPerMinute, Clock clock) {
    return new DynamoRateBudget(
        aws.dynamo(), table, name, requestsPerMinute, tokensPerMinute, clock);
  }
}
