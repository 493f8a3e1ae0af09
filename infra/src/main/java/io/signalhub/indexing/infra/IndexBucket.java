package io.signalhub.indexing.infra;

import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.constructs.Construct;

/** The bucket of manifests, sources, batch payloads, vectors (and the local model's weights). */
final class IndexBucket {

  final Bucket bucket;

  IndexBucket(Construct stack, StackSettings settings) {
    bucket =
        Bucket.Builder.create(stack, "Bucket")
            .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
            .encryption(BucketEncryption.S3_MANAGED)
            .enforceSsl(true)
            .lifecycleRules(
                List.of(
                    LifecycleRule.builder()
                        .id("expire-batch-payloads")
                        .prefix("batches/")
                        .expiration(Duration.days(settings.batchRetentionDays()))
                        .build(),
                    LifecycleRule.builder()
                        .id("abort-incomplete-uploads")
                        .abortIncompleteMultipartUploadAfter(Duration.days(1))
                        .build()))
            .removalPolicy(SignalHubStack.removalPolicy(settings))
            .autoDeleteObjects(!settings.retainData())
            .build();
  }
}
