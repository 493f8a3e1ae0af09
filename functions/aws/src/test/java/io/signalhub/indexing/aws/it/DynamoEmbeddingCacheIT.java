package io.signalhub.indexing.aws.it;

import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.aws.dynamodb.DynamoEmbeddingCache;
import io.signalhub.indexing.core.cache.EmbeddingCache;
import io.signalhub.indexing.core.cache.EmbeddingCacheContract;
import java.time.Clock;

/** The {@link EmbeddingCache} contract on DynamoDB Local, a fresh cache table per test. */
class DynamoEmbeddingCacheIT extends EmbeddingCacheContract {

  @Override
  protected EmbeddingCache newCache() {
    return new DynamoEmbeddingCache(
        EmbeddedClients.aws().dynamo(),
        EmbeddedClients.freshTables("cache").cache(),
        Clock.systemUTC(),
        AwsPipeline.CACHE_RETENTION);
  }
}
