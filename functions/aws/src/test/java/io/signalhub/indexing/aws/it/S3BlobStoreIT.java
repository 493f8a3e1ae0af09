package io.signalhub.indexing.aws.it;

import io.signalhub.indexing.aws.s3.S3BlobStore;
import io.signalhub.indexing.core.pipeline.BlobStore;
import io.signalhub.indexing.core.pipeline.BlobStoreContract;

/** The {@link BlobStore} contract on s3proxy, a fresh bucket per test. */
class S3BlobStoreIT extends BlobStoreContract {

  @Override
  protected BlobStore newStore() {
    String bucket = EmbeddedClients.unique("blobs");
    EmbeddedClients.aws().s3().createBucket(r -> r.bucket(bucket));
    return new S3BlobStore(EmbeddedClients.aws().s3(), bucket);
  }
}
