package io.signalhub.indexing.aws.it;

import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.aws.dynamodb.DynamoEmbeddingCache;
import io.signalhub.indexing.aws.dynamodb.DynamoTables;
import io.signalhub.indexing.core.cache.EmbeddingCache;
import io.signalhub.indexing.core.cache.EmbeddingCacheContract;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The {@link EmbeddingCache} contract on DynamoDB Local, a fresh cache table per test. */
class DynamoEmbeddingCacheIT extends EmbeddingCacheContract {

  private static AwsPipeline aws;

  @BeforeAll
  static void connect() {
    aws = EmbeddedClients.open();
  }

  @AfterAll
  static void disconnect() {
    aws.close();
  }

  @Override
  protected EmbeddingCache newCache() {
    String table = EmbeddedClients.unique("cache");
    DynamoTables.createAll(aws.dynamo(), table + "-jobs", table, table + "-rate");
    return new DynamoEmbeddingCache(
        aws.dynamo(), table, Clock.systemUTC(), AwsPipeline.CACHE_RETENTION);
  }
}
