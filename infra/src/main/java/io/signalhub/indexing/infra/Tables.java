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
        table(stack, "Jobs", "pk")
            .sortKey(Attribute.builder().name("sk").type(AttributeType.STRING).build())
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
        table(stack, "EmbeddingCache", "key")
            .timeToLiveAttribute("expiresAt")
            .removalPolicy(removal)
            .build();
    rate = table(stack, "RateBudget", "budget").removalPolicy(RemovalPolicy.DESTROY).build();
  }

  /** An on-demand table, encrypted, with point-in-time recovery, keyed by a string. */
  private static Table.Builder table(Construct stack, String id, String partitionKey) {
    return Table.Builder.create(stack, id)
        .partitionKey(Attribute.builder().name(partitionKey).type(AttributeType.STRING).build())
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .pointInTimeRecoverySpecification(
            PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
        .encryption(TableEncryption.AWS_MANAGED);
  }
}
