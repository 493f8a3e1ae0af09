package io.signalhub.indexing.aws.it;

import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.aws.s3.S3BlobStore;
import io.signalhub.indexing.core.pipeline.BlobStore;
import io.signalhub.indexing.core.pipeline.BlobStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The {@link BlobStore} contract on s3proxy, a fresh bucket per test. */
class S3BlobStoreIT extends BlobStoreContract {

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
  protected BlobStore newStore() {
    String bucket = EmbeddedClients.unique("blobs");
    aws.s3().createBucket(r -> r.bucket(bucket));
    return new S3BlobStore(aws.s3(), bucket);
  }
}
