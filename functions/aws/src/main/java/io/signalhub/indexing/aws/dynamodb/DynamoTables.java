package io.signalhub.indexing.aws.dynamodb;

import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Creates the three tables with the same keys the CDK stack declares, for the local stack and the
 * integration tests (in AWS, CloudFormation owns them).
 */
public final class DynamoTables {

  private DynamoTables() {}

  public static void createAll(DynamoDbClient dynamo, String jobs, String cache, String rate) {
    create(dynamo, jobs);
    createSimple(dynamo, cache, DynamoEmbeddingCache.KEY);
    createSimple(dynamo, rate, DynamoRateBudget.KEY);
  }

  private static void create(DynamoDbClient dynamo, String table) {
    try {
      dynamo.createTable(
          r ->
              r.tableName(table)
                  .billingMode(BillingMode.PAY_PER_REQUEST)
                  .attributeDefinitions(
                      attribute(JobItem.PK),
                      attribute(JobItem.SK),
                      attribute(JobItem.GSI_PK),
                      attribute(JobItem.CREATED_AT))
                  .keySchema(key(JobItem.PK, KeyType.HASH), key(JobItem.SK, KeyType.RANGE))
                  .globalSecondaryIndexes(
                      g ->
                          g.indexName(JobItem.GSI)
                              .keySchema(
                                  key(JobItem.GSI_PK, KeyType.HASH),
                                  key(JobItem.CREATED_AT, KeyType.RANGE))
                              .projection(p -> p.projectionType(ProjectionType.ALL))));
    } catch (ResourceInUseException exists) {
      // already there (a restart with --data-dir)
    }
  }

  private static void createSimple(DynamoDbClient dynamo, String table, String keyName) {
    try {
      dynamo.createTable(
          r ->
              r.tableName(table)
                  .billingMode(BillingMode.PAY_PER_REQUEST)
                  .attributeDefinitions(List.of(attribute(keyName)))
                  .keySchema(key(keyName, KeyType.HASH)));
    } catch (ResourceInUseException exists) {
      // already there
    }
  }

  private static AttributeDefinition attribute(String name) {
    return AttributeDefinition.builder()
        .attributeName(name)
        .attributeType(ScalarAttributeType.S)
        .build();
  }

  private static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }
}
