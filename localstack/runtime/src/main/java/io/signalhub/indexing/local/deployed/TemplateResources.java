package io.signalhub.indexing.local.deployed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Logger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The template's stateful resources on the embedded services, under their local names: buckets,
 * queues (visibility timeout, retention, redrive), tables (keys, indexes), the file assets beside
 * the template and what CDK's BucketDeployment puts in a bucket.
 */
final class TemplateResources {

  private static final Logger LOG = Logger.getLogger(TemplateResources.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  private TemplateResources() {}

  /** Creates the template's buckets, queues (dead-letter queues first) and tables. */
  static void create(CfnTemplate template, S3Client s3, SqsClient sqs, DynamoDbClient dynamo) {
    createBuckets(template, s3);
    createQueues(template, sqs);
    createTables(template, dynamo);
  }

  private static void createBuckets(CfnTemplate template, S3Client s3) {
    for (String id : template.ofType("AWS::S3::Bucket")) {
      s3.createBucket(r -> r.bucket(template.physicalName(id)));
    }
  }

  private static void createQueues(CfnTemplate template, SqsClient sqs) {
    List<String> ids = new ArrayList<>(template.ofType("AWS::SQS::Queue"));
    // dead-letter queues first: a redrive policy names an existing queue
    ids.sort(
        (a, b) ->
            Boolean.compare(
                template.property(a, "RedrivePolicy").isObject(),
                template.property(b, "RedrivePolicy").isObject()));
    for (String id : ids) {
      Map<QueueAttributeName, String> attributes = new HashMap<>();
      JsonNode visibility = template.property(id, "VisibilityTimeout");
      if (!visibility.isMissingNode()) {
        attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, visibility.asText());
      }
      JsonNode retention = template.property(id, "MessageRetentionPeriod");
      if (!retention.isMissingNode()) {
        attributes.put(QueueAttributeName.MESSAGE_RETENTION_PERIOD, retention.asText());
      }
      JsonNode redrive = template.property(id, "RedrivePolicy");
      if (redrive.isObject()) {
        attributes.put(QueueAttributeName.REDRIVE_POLICY, redrive.toString());
      }
      sqs.createQueue(r -> r.queueName(template.physicalName(id)).attributes(attributes));
    }
  }

  private static void createTables(CfnTemplate template, DynamoDbClient dynamo) {
    for (String id : template.ofType("AWS::DynamoDB::Table")) {
      JsonNode p = template.resolve(template.resource(id).path("Properties"));
      List<GlobalSecondaryIndex> indexes =
          each(
              p.path("GlobalSecondaryIndexes"),
              gsi ->
                  GlobalSecondaryIndex.builder()
                      .indexName(gsi.path("IndexName").asText())
                      .keySchema(keys(gsi.path("KeySchema")))
                      .projection(
                          Projection.builder()
                              .projectionType(
                                  gsi.path("Projection").path("ProjectionType").asText("ALL"))
                              .build())
                      .build());
      List<AttributeDefinition> attributes =
          each(
              p.path("AttributeDefinitions"),
              a ->
                  AttributeDefinition.builder()
                      .attributeName(a.path("AttributeName").asText())
                      .attributeType(a.path("AttributeType").asText())
                      .build());
      dynamo.createTable(
          r -> {
            r.tableName(template.physicalName(id))
                .keySchema(keys(p.path("KeySchema")))
                .attributeDefinitions(attributes)
                .billingMode(BillingMode.PAY_PER_REQUEST);
            if (!indexes.isEmpty()) {
              r.globalSecondaryIndexes(indexes);
            }
          });
    }
  }

  private static List<KeySchemaElement> keys(JsonNode schema) {
    return each(
        schema,
        k ->
            KeySchemaElement.builder()
                .attributeName(k.path("AttributeName").asText())
                .keyType(k.path("KeyType").asText())
                .build());
  }

  /** {@code item} of each element of a JSON array of the template, in order. */
  private static <T> List<T> each(JsonNode array, Function<JsonNode, T> item) {
    List<T> items = new ArrayList<>();
    array.forEach(element -> items.add(item.apply(element)));
    return items;
  }

  /** The template's file assets (zips, directories) by the S3 key the template names them by. */
  static Map<String, Path> assets(Path templateFile) throws IOException {
    Map<String, Path> assets = new HashMap<>();
    Path dir = templateFile.toAbsolutePath().getParent();
    try (Stream<Path> manifests = Files.list(dir)) {
      for (Path manifest :
          manifests.filter(f -> f.getFileName().toString().endsWith(".assets.json")).toList()) {
        JSON.readTree(manifest.toFile())
            .path("files")
            .forEach(
                file -> {
                  Path source = dir.resolve(file.path("source").path("path").asText());
                  file.path("destinations")
                      .forEach(d -> assets.put(d.path("objectKey").asText(), source));
                });
      }
    }
    return assets;
  }

  /** CDK's BucketDeployment: the asset's files under the destination prefix. */
  static void deployBucketContents(CfnTemplate template, S3Client s3, Map<String, Path> assets)
      throws IOException {
    for (String id : template.ofType("Custom::CDKBucketDeployment")) {
      String bucket = template.property(id, "DestinationBucketName").asText();
      String prefix = template.property(id, "DestinationBucketKeyPrefix").asText("");
      for (JsonNode key : template.property(id, "SourceObjectKeys")) {
        Path source = assets.get(key.asText());
        if (source == null) {
          throw new IllegalStateException(
              id + " deploys asset " + key.asText() + ", which is not beside the template");
        }
        if (Files.isDirectory(source)) {
          try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
              String name = prefix + source.relativize(file).toString().replace('\\', '/');
              s3.putObject(r -> r.bucket(bucket).key(name), RequestBody.fromFile(file));
            }
          }
        } else {
          try (InputStream in = Files.newInputStream(source);
              ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
              if (!entry.isDirectory()) {
                String name = prefix + entry.getName();
                byte[] bytes = zip.readAllBytes();
                s3.putObject(r -> r.bucket(bucket).key(name), RequestBody.fromBytes(bytes));
              }
            }
          }
        }
        LOG.info(
            () -> id + ": deployed " + source.getFileName() + " to s3://" + bucket + "/" + prefix);
      }
    }
  }
}
