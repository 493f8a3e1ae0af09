package io.signalhub.indexing.infra;

import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.constructs.Construct;

/** The jobs table (with its by-creation index), the embedding cache and the shared rate budget. */
final class Tables {

  /** The jobs table's index of jobs by creation time (the jobs list). */
  static final String JOBS_BY_CREATED = "byCreated";

  final Table jobs;
  final Table cache;
  final Table rate;

  Tables(Construct stack, StackSettings settings) {
    RemovalPolicy removal = SignalHubStack.removalPolicy(settings);
    jobs =
        Table.Builder.create(stack, "Jobs")
            .partitionKey(Attribute.builder().name("pk").type(AttributeType.STRING).build())
            .sortKey(Attribute.builder().name("sk").type(AttributeType.STRING).build())
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .pointInTimeRecoverySpecification(
                PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
            .encryption(TableEncryption.AWS_MANAGED)
            .timeToLiveAttribute("expiresAt")
            .removalPolicy(removal)
            .build();
    jobs.addGlobalSecondaryIndex(
        GlobalSecondaryIndexProps.builder()
            .indexName(JOBS_BY_CREATED)
            .partitionKey(Attribute.builder().name("gsi1pk").type(AttributeType.STRING).build())
            .sortKey(Attribute.builder().name("createdAt").type(AttributeType.STRING).build())
            .build());
    cache =
        Table.Builder.create(stack, "EmbeddingCache")
            .partitionKey(Attribute.builder().name("key").type(AttributeType.STRING).build())
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .pointInTimeRecoverySpecification(
                PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
            .encryption(TableEncryption.AWS_MANAGED)
            .timeToLiveAttribute("expiresAt")
            .removalPolicy(removal)
            .build();
    rate =
        Table.Builder.create(stack, "RateBudget")
            .partitionKey(Attribute.builder().name("budget").type(AttributeType.STRING).build())
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .pointInTimeRecoverySpecification(
                PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
            .encryption(TableEncryption.AWS_MANAGED)
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
  }
}
