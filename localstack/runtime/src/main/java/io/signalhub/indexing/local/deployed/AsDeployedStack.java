package io.signalhub.indexing.local.deployed;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalhub.indexing.aws.local.SqsEventSource;
import io.signalhub.indexing.local.services.EdgeGateway;
import io.signalhub.indexing.local.services.EmbeddedAwsServices;
import io.signalhub.indexing.local.services.S3Notification;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
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
 * A synthesized template run on this machine as AWS would run it: its buckets, queues (visibility
 * timeout, redrive), tables and secrets created under local names; every Java function started from
 * its deployment zip under Lambda's runtime interface client in its own JVM, polling a Runtime API;
 * S3 notifications (with their filters), SQS event source mappings (batch size, batching window,
 * maximum concurrency, partial batch responses) and the HTTP API's routes invoking them; every AWS
 * call each function makes recorded for {@link IamCheck}. Everything is read from the template,
 * nothing from the functions' code or defaults.
 */
public final class AsDeployedStack implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(AsDeployedStack.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What the local stack adds to the template.
   *
   * @param workDir where zips are unpacked and environments log
   * @param environmentOverlay variables added to every function's environment, for endpoints that
   *     stand in for a provider (e.g. {@code SIGNAL_HUB_EMBEDDING_BASE_URL})
   * @param secretValues initial values of the template's secrets, by logical id or its start
   *     ({@code EmbeddingApiKey} for CDK's {@code EmbeddingApiKey4E1A2B3C})
   * @param maxEnvironments most execution environments per function (also capped by the mapping's
   *     maximum concurrency); 2 cores cannot run ten embedder JVMs
   * @param asyncRetryDelay pause before Lambda retries a failed asynchronous invocation (1 and 2
   *     minutes in AWS; shortened here)
   * @param edgePort the one endpoint's port (0 = any)
   * @param apiPort the HTTP API's port (0 = any)
   * @param sessionToken whether functions get {@code AWS_SESSION_TOKEN}, as Lambda gives them
   * @param codeCache where zips are unpacked, once per asset (CDK names assets by content hash, so
   *     stacks of several templates can share it)
   */
  public record Options(
      Path workDir,
      Map<String, String> environmentOverlay,
      Map<String, String> secretValues,
      int maxEnvironments,
      Duration asyncRetryDelay,
      int edgePort,
      int apiPort,
      boolean sessionToken,
      Path codeCache) {

    public static Options defaults(Path workDir) {
      return new Options(
          workDir,
          Map.of(),
          Map.of(),
          1,
          Duration.ofSeconds(2),
          0,
          0,
          true,
          workDir.resolve("code"));
    }

    public Options withEnvironment(Map<String, String> overlay) {
      return new Options(
          workDir,
          overlay,
          secretValues,
          maxEnvironments,
          asyncRetryDelay,
          edgePort,
          apiPort,
          sessionToken,
          codeCache);
    }

    public Options withSecrets(Map<String, String> values) {
      return new Options(
          workDir,
          environmentOverlay,
          values,
          maxEnvironments,
          asyncRetryDelay,
          edgePort,
          apiPort,
          sessionToken,
          codeCache);
    }

    public Options withPorts(int edge, int api) {
      return new Options(
          workDir,
          environmentOverlay,
          secretValues,
          maxEnvironments,
          asyncRetryDelay,
          edge,
          api,
          sessionToken,
          codeCache);
    }

    public Options withSessionToken(boolean value) {
      return new Options(
          workDir,
          environmentOverlay,
          secretValues,
          maxEnvironments,
          asyncRetryDelay,
          edgePort,
          apiPort,
          value,
          codeCache);
    }

    public Options withCodeCache(Path dir) {
      return new Options(
          workDir,
          environmentOverlay,
          secretValues,
          maxEnvironments,
          asyncRetryDelay,
          edgePort,
          apiPort,
          sessionToken,
          dir);
    }
  }

  /** An SQS event source mapping as the template configures it. */
  public record EventSourceMapping(
      String function,
      String queue,
      int batchSize,
      Duration batchingWindow,
      int maximumConcurrency,
      boolean reportBatchItemFailures) {}

  /** An S3 notification: events under {@code prefix}, ending in {@code suffix}, to a function. */
  public record Notification(
      String bucket, String function, List<String> events, String prefix, String suffix) {
    boolean matches(String bucketName, String eventName, String key) {
      return bucket.equals(bucketName)
          && key.startsWith(prefix)
          && key.endsWith(suffix)
          && events.stream().anyMatch(e -> IamCheck.matches(e, "s3:" + eventName, false));
    }
  }

  private final CfnTemplate template;
  private final Options options;
  private final EmbeddedAwsServices services;
  private final SecretsManagerServer secrets;
  private final BedrockStandIn bedrock;
  private final EdgeGateway edge;
  private final AwsCallRecorder recorder;
  private final S3Client s3;
  private final SqsClient sqs;
  private final DynamoDbClient dynamo;
  private final Map<String, FunctionSpec> functions = new LinkedHashMap<>();
  private final Map<String, LambdaFunction> running = new LinkedHashMap<>();
  private final List<String> skipped = new ArrayList<>();
  private final List<EventSourceMapping> mappings = new ArrayList<>();
  private final List<Notification> notifications = new ArrayList<>();
  private final List<SqsEventSource> eventSources = new ArrayList<>();
  private final List<SqsClient> pollers = new ArrayList<>();
  private final List<String> droppedEvents = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final ExecutorService asyncInvocations = Executors.newCachedThreadPool();
  private final HttpApiServer api;

  private AsDeployedStack(Path templateFile, Options options) throws Exception {
    this.options = options;
    services = EmbeddedAwsServices.start(EmbeddedAwsServices.Ports.ANY, null);
    secrets = new SecretsManagerServer();
    bedrock = new BedrockStandIn();
    // the edge endpoint's address is needed to resolve queue URLs: read the template once for the
    // access keys, start the edge, then resolve everything
    CfnTemplate names = CfnTemplate.read(templateFile, "http://unused");
    Map<String, String> functionByKey = new HashMap<>();
    for (String id : names.ofType("AWS::Lambda::Function")) {
      functionByKey.put(accessKey(id), id);
    }
    Map<String, String> secretArns = new HashMap<>();
    recorder = new AwsCallRecorder(functionByKey, id -> secretArns.getOrDefault(id, id));
    edge =
        EdgeGateway.start(
            options.edgePort(),
            Map.of(
                EdgeGateway.Service.S3, services.s3Endpoint(),
                EdgeGateway.Service.SQS, services.sqsEndpoint(),
                EdgeGateway.Service.DYNAMODB, services.dynamoEndpoint(),
                EdgeGateway.Service.SECRETS_MANAGER, secrets.endpoint(),
                EdgeGateway.Service.BEDROCK, bedrock.endpoint()),
            recorder);
    template = CfnTemplate.read(templateFile, edge.endpoint().toString());
    var credentials =
        StaticCredentialsProvider.create(AwsBasicCredentials.create("localstack", "localstack"));
    s3 =
        S3Client.builder()
            .region(Region.US_EAST_1)
            .credentialsProvider(credentials)
            .endpointOverride(services.s3Endpoint())
            .forcePathStyle(true)
            .build();
    sqs =
        SqsClient.builder()
            .region(Region.US_EAST_1)
            .credentialsProvider(credentials)
            .endpointOverride(services.sqsEndpoint())
            .build();
    dynamo =
        DynamoDbClient.builder()
            .region(Region.US_EAST_1)
            .credentialsProvider(credentials)
            .endpointOverride(services.dynamoEndpoint())
            .build();

    Map<String, Path> assets = assets(templateFile);
    createBuckets();
    createQueues();
    createTables();
    for (String id : template.ofType("AWS::SecretsManager::Secret")) {
      secretArns.put(template.physicalName(id), template.arnOf(id));
      secretArns.put(template.arnOf(id), template.arnOf(id));
      secrets.create(
          template.physicalName(id),
          template.arnOf(id),
          options.secretValues().entrySet().stream()
              .filter(e -> id.startsWith(e.getKey()))
              .map(Map.Entry::getValue)
              .findFirst()
              .orElse(null));
    }
    deployBucketContents(assets);
    readFunctions(assets);
    Path work = Files.createDirectories(options.workDir());
    List<String> runtimeClasspath = runtimeClasspath();
    Path nativeClient = nativeClient(work);
    for (FunctionSpec spec : functions.values()) {
      Map<String, String> platform = new LinkedHashMap<>();
      platform.put("AWS_ACCESS_KEY_ID", accessKey(spec.logicalId()));
      platform.put("AWS_SECRET_ACCESS_KEY", "localsecret");
      if (options.sessionToken()) {
        platform.put("AWS_SESSION_TOKEN", "localsession" + spec.logicalId());
      }
      platform.put("AWS_ENDPOINT_URL", edge.endpoint().toString());
      platform.putAll(options.environmentOverlay());
      running.put(
          spec.logicalId(),
          new LambdaFunction(
              spec,
              work,
              options.codeCache(),
              runtimeClasspath,
              nativeClient,
              platform,
              options.maxEnvironments(),
              Duration.ofSeconds(90)));
    }
    readNotifications();
    startEventSources();
    api = new HttpApiServer(routes(), options.apiPort());
    for (Notification n : notifications) {
      services.addNotification(
          new S3Notification(n.bucket(), n.prefix(), n.suffix(), event -> onS3Event(n, event)));
    }
  }

  /** Reads {@code template} (in a cdk.out directory, beside its assets) and starts everything. */
  public static AsDeployedStack start(Path template, Options options) throws Exception {
    return new AsDeployedStack(template, options);
  }

  /** Each function signs with its own access key id, so the stack knows who called. */
  static String accessKey(String functionLogicalId) {
    return "LOCAL" + functionLogicalId;
  }

  // ---- resources ----

  private void createBuckets() {
    for (String id : template.ofType("AWS::S3::Bucket")) {
      s3.createBucket(r -> r.bucket(template.physicalName(id)));
    }
  }

  private void createQueues() {
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

  private void createTables() {
    for (String id : template.ofType("AWS::DynamoDB::Table")) {
      JsonNode p = template.resolve(template.resource(id).path("Properties"));
      List<GlobalSecondaryIndex> indexes = new ArrayList<>();
      p.path("GlobalSecondaryIndexes")
          .forEach(
              gsi ->
                  indexes.add(
                      GlobalSecondaryIndex.builder()
                          .indexName(gsi.path("IndexName").asText())
                          .keySchema(keys(gsi.path("KeySchema")))
                          .projection(
                              Projection.builder()
                                  .projectionType(
                                      gsi.path("Projection").path("ProjectionType").asText("ALL"))
                                  .build())
                          .build()));
      List<AttributeDefinition> attributes = new ArrayList<>();
      p.path("AttributeDefinitions")
          .forEach(
              a ->
                  attributes.add(
                      AttributeDefinition.builder()
                          .attributeName(a.path("AttributeName").asText())
                          .attributeType(a.path("AttributeType").asText())
                          .build()));
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
    List<KeySchemaElement> keys = new ArrayList<>();
    schema.forEach(
        k ->
            keys.add(
                KeySchemaElement.builder()
                    .attributeName(k.path("AttributeName").asText())
                    .keyType(k.path("KeyType").asText())
                    .build()));
    return keys;
  }

  /** The template's file assets (zips, directories) by the S3 key the template names them by. */
  private static Map<String, Path> assets(Path templateFile) throws IOException {
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
  private void deployBucketContents(Map<String, Path> assets) throws IOException {
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

  private void readFunctions(Map<String, Path> assets) {
    for (String id : template.ofType("AWS::Lambda::Function")) {
      String runtime = template.property(id, "Runtime").asText("");
      String key = template.property(id, "Code").path("S3Key").asText("");
      if (!runtime.startsWith("java") || !assets.containsKey(key)) {
        // CDK's own custom-resource handlers (python, inline code) run at deploy time, not here
        skipped.add(id + " (" + (runtime.isEmpty() ? "no runtime" : runtime) + ")");
        continue;
      }
      Map<String, String> environment = new LinkedHashMap<>();
      template
          .property(id, "Environment")
          .path("Variables")
          .fields()
          .forEachRemaining(e -> environment.put(e.getKey(), e.getValue().asText()));
      String role =
          template.resource(id).path("Properties").path("Role").path("Fn::GetAtt").path(0).asText();
      functions.put(
          id,
          new FunctionSpec(
              id,
              template.property(id, "Handler").asText(),
              runtime,
              template.property(id, "MemorySize").asInt(128),
              Duration.ofSeconds(template.property(id, "Timeout").asInt(3)),
              Map.copyOf(environment),
              role,
              assets.get(key)));
    }
  }

  /** The function an ARN (qualified or not) or a {@code name:alias} names. */
  private String functionNamed(String arnOrName) {
    String[] parts = arnOrName.split(":");
    String name = arnOrName.startsWith("arn:") ? parts[6] : parts[0];
    if (!functions.containsKey(name)) {
      throw new IllegalStateException(
          "The template wires " + arnOrName + ", which is not a Java function it deploys");
    }
    return name;
  }

  private void readNotifications() {
    for (String id : template.ofType("Custom::S3BucketNotifications")) {
      String bucket = template.property(id, "BucketName").asText();
      for (JsonNode config :
          template.property(id, "NotificationConfiguration").path("LambdaFunctionConfigurations")) {
        String prefix = "";
        String suffix = "";
        for (JsonNode rule : config.path("Filter").path("Key").path("FilterRules")) {
          if (rule.path("Name").asText().equalsIgnoreCase("prefix")) {
            prefix = rule.path("Value").asText();
          } else {
            suffix = rule.path("Value").asText();
          }
        }
        List<String> events = new ArrayList<>();
        config.path("Events").forEach(e -> events.add(e.asText()));
        notifications.add(
            new Notification(
                bucket,
                functionNamed(config.path("LambdaFunctionArn").asText()),
                events,
                prefix,
                suffix));
      }
    }
  }

  private void startEventSources() {
    for (String id : template.ofType("AWS::Lambda::EventSourceMapping")) {
      if (!template.property(id, "Enabled").asBoolean(true)) {
        continue;
      }
      String function = functionNamed(template.property(id, "FunctionName").asText());
      String queue = template.property(id, "EventSourceArn").asText().replaceAll(".*:", "");
      List<String> types = new ArrayList<>();
      template.property(id, "FunctionResponseTypes").forEach(t -> types.add(t.asText()));
      EventSourceMapping mapping =
          new EventSourceMapping(
              function,
              queue,
              template.property(id, "BatchSize").asInt(10),
              Duration.ofSeconds(template.property(id, "MaximumBatchingWindowInSeconds").asInt(0)),
              template.property(id, "ScalingConfig").path("MaximumConcurrency").asInt(1000),
              types.contains("ReportBatchItemFailures"));
      mappings.add(mapping);
      // Lambda's pollers use the function's role: their calls go through the endpoint that
      // records them, signed as the function (the role needs ReceiveMessage, DeleteMessage, ...)
      SqsClient poller = signedAs(mapping.function());
      pollers.add(poller);
      String url = poller.getQueueUrl(r -> r.queueName(queue)).queueUrl();
      // as Lambda does when it enables a mapping, it reads the queue's attributes
      poller.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.ALL));
      SqsEventSource source =
          new SqsEventSource(
              poller,
              url,
              mapping.batchSize(),
              mapping.batchingWindow(),
              // more pollers than environments would only hold messages invisible
              Math.min(mapping.maximumConcurrency(), options.maxEnvironments()),
              event -> invokeForBatch(mapping, event));
      source.start();
      eventSources.add(source);
    }
  }

  private SqsClient signedAs(String function) {
    return SqsClient.builder()
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(accessKey(function), "localsecret")))
        .endpointOverride(edge.endpoint())
        .build();
  }

  /** Lambda's SQS event: the records' JSON, as the poller builds it. */
  private SQSBatchResponse invokeForBatch(EventSourceMapping mapping, SQSEvent event) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode records = root.putArray("Records");
    for (SQSEvent.SQSMessage m : event.getRecords()) {
      ObjectNode record = records.addObject();
      record
          .put("messageId", m.getMessageId())
          .put("receiptHandle", m.getReceiptHandle())
          .put("body", m.getBody());
      ObjectNode attributes = record.putObject("attributes");
      m.getAttributes().forEach(attributes::put);
      record.putObject("messageAttributes");
      record.put("md5OfBody", m.getMd5OfBody()).put("eventSource", "aws:sqs");
      record.put("eventSourceARN", m.getEventSourceArn()).put("awsRegion", CfnTemplate.REGION);
    }
    ExecutionEnvironment.Outcome outcome;
    try {
      outcome = running.get(mapping.function()).invoke(JSON.writeValueAsBytes(root));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("stopping", e);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    if (!outcome.ok()) {
      throw new IllegalStateException(mapping.function() + " failed: " + outcome.body());
    }
    List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
    if (mapping.reportBatchItemFailures()) {
      try {
        JSON.readTree(outcome.body())
            .path("batchItemFailures")
            .forEach(
                f ->
                    failures.add(
                        new SQSBatchResponse.BatchItemFailure(f.path("itemIdentifier").asText())));
      } catch (IOException e) {
        // Lambda fails the whole batch when the response cannot be read
        throw new IllegalStateException("Unreadable partial batch response: " + outcome.body(), e);
      }
    }
    return new SQSBatchResponse(failures);
  }

  /** S3 invokes notified functions asynchronously: Lambda retries a failure twice. */
  private void onS3Event(Notification notification, String eventJson) {
    try {
      JsonNode record = JSON.readTree(eventJson).path("Records").path(0);
      String key =
          java.net.URLDecoder.decode(
              record.path("s3").path("object").path("key").asText(), StandardCharsets.UTF_8);
      if (notification.matches(
          record.path("s3").path("bucket").path("name").asText(),
          record.path("eventName").asText(),
          key)) {
        asyncInvocations.submit(
            () -> invokeAsync(notification.function(), eventJson.getBytes(StandardCharsets.UTF_8)));
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "Unreadable S3 event " + eventJson, e);
    }
  }

  /**
   * A function's asynchronous-invocation settings from its {@code AWS::Lambda::EventInvokeConfig}
   * (Lambda's defaults without one: two retries, no destination).
   *
   * @param onFailure the on-failure destination's ARN (an SQS queue or a function), or null
   */
  record AsyncConfig(int maximumRetryAttempts, String onFailure) {}

  private AsyncConfig asyncConfig(String function) {
    for (String id : template.ofType("AWS::Lambda::EventInvokeConfig")) {
      if (functionNamed(template.property(id, "FunctionName").asText()).equals(function)) {
        String destination =
            template
                .property(id, "DestinationConfig")
                .path("OnFailure")
                .path("Destination")
                .asText(null);
        return new AsyncConfig(template.property(id, "MaximumRetryAttempts").asInt(2), destination);
      }
    }
    return new AsyncConfig(2, null);
  }

  private void invokeAsync(String function, byte[] payload) {
    try {
      AsyncConfig config = asyncConfig(function);
      String last = "";
      int attempts = config.maximumRetryAttempts() + 1;
      for (int attempt = 0; attempt < attempts; attempt++) {
        ExecutionEnvironment.Outcome outcome = running.get(function).invoke(payload);
        if (outcome.ok()) {
          return;
        }
        last = outcome.body();
        if (attempt < attempts - 1) {
          Thread.sleep(options.asyncRetryDelay().toMillis() * (attempt + 1));
        }
      }
      if (config.onFailure() != null) {
        sendToDestination(function, config.onFailure(), payload, last, attempts);
        return;
      }
      String dropped =
          function
              + ": asynchronous invocation failed "
              + attempts
              + " times; the event is dropped: "
              + last;
      droppedEvents.add(dropped);
      LOG.warning(dropped);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.log(Level.WARNING, function + ": could not deliver to its on-failure destination", e);
    }
  }

  /**
   * Lambda's invocation record to an on-failure destination
   * (docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
   */
  private void sendToDestination(
      String function, String destination, byte[] payload, String error, int attempts)
      throws IOException, InterruptedException {
    ObjectNode record = JSON.createObjectNode().put("version", "1.0");
    record.put("timestamp", java.time.Instant.now().toString());
    record
        .putObject("requestContext")
        .put("requestId", java.util.UUID.randomUUID().toString())
        .put("functionArn", functions.get(function).arn() + ":live")
        .put("condition", "RetriesExhausted")
        .put("approximateInvokeCount", attempts);
    record.set("requestPayload", JSON.readTree(payload));
    record
        .putObject("responseContext")
        .put("statusCode", 200)
        .put("executedVersion", "1")
        .put("functionError", "Unhandled");
    try {
      record.set("responsePayload", JSON.readTree(error));
    } catch (IOException e) {
      record.put("responsePayload", error);
    }
    String body = JSON.writeValueAsString(record);
    if (destination.startsWith("arn:aws:sqs:")) {
      // Lambda sends with the function's role (it needs sqs:SendMessage on the destination)
      try (SqsClient sender = signedAs(function)) {
        // the URL from the ARN, as Lambda does: no GetQueueUrl call the role would need
        String url =
            edge.endpoint() + "/" + CfnTemplate.ACCOUNT + "/" + destination.replaceAll(".*:", "");
        sender.sendMessage(r -> r.queueUrl(url).messageBody(body));
      }
    } else {
      String target = functionNamed(destination);
      asyncInvocations.submit(() -> invokeAsync(target, body.getBytes(StandardCharsets.UTF_8)));
    }
    LOG.info(() -> function + ": failed " + attempts + " times; the event went to " + destination);
  }

  private List<HttpApiServer.Route> routes() throws IOException {
    List<HttpApiServer.Route> routes = new ArrayList<>();
    for (String id : template.ofType("AWS::ApiGatewayV2::Route")) {
      String[] key = template.property(id, "RouteKey").asText().split(" ", 2);
      String integration = template.property(id, "Target").asText().replace("integrations/", "");
      String uri = template.property(integration, "IntegrationUri").asText();
      routes.add(new HttpApiServer.Route(key[0], key[1], running.get(functionNamed(uri))));
    }
    return routes;
  }

  /**
   * Starts one environment of every function and waits for each to finish its init and poll the
   * Runtime API, so a function no event reaches is still proven to boot.
   *
   * @throws IllegalStateException naming the functions that did not boot, with their logs
   */
  public void prewarm() throws InterruptedException {
    List<String> failed = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    // as many JVMs boot at once as there are cores: more only thrash (Quarkus boots in 3 CPU-s)
    java.util.concurrent.Semaphore cores =
        new java.util.concurrent.Semaphore(Runtime.getRuntime().availableProcessors());
    for (LambdaFunction function : running.values()) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  cores.acquire();
                  try {
                    function.prewarm();
                  } finally {
                    cores.release();
                  }
                } catch (Exception e) {
                  synchronized (failed) {
                    failed.add(
                        function.spec().logicalId() + ": " + e + "\n" + function.logTails(30));
                  }
                }
              });
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    if (!failed.isEmpty()) {
      throw new IllegalStateException("Functions did not boot:\n" + String.join("\n", failed));
    }
  }

  // ---- what tests and users see ----

  public CfnTemplate template() {
    return template;
  }

  public List<FunctionSpec> functions() {
    return List.copyOf(functions.values());
  }

  /** Functions the template holds that are not run (CDK's deploy-time handlers). */
  public List<String> skippedFunctions() {
    return List.copyOf(skipped);
  }

  public List<EventSourceMapping> eventSourceMappings() {
    return List.copyOf(mappings);
  }

  public List<Notification> notifications() {
    return List.copyOf(notifications);
  }

  /** The command line an environment of {@code function} runs. */
  public List<String> commandOf(String function) {
    return running.get(function).command(Path.of("/tmp"));
  }

  /** The environment an environment of {@code function} gets. */
  public Map<String, String> environmentOf(String function) {
    return running.get(function).environment(1, Path.of("/tmp"));
  }

  /** Invocations, errors and cold starts per function. */
  public String invocationSummary() {
    StringBuilder out = new StringBuilder();
    running.forEach(
        (id, f) ->
            out.append(
                String.format(
                    "  %-32s %3d invocations  %2d errors  %d cold start(s)%n",
                    id, f.invocations(), f.errors(), f.coldStarts())));
    return out.toString();
  }

  public int invocations(String function) {
    return running.get(function).invocations();
  }

  /** Invocations in flight, all functions together. */
  public int busy() {
    return running.values().stream().mapToInt(LambdaFunction::inFlight).sum();
  }

  public int errors(String function) {
    return running.get(function).errors();
  }

  /** The last lines each environment printed. */
  public String logs(int lines) {
    StringBuilder out = new StringBuilder();
    running.values().forEach(f -> out.append(f.logTails(lines)));
    return out.toString();
  }

  /**
   * Asynchronous events (S3 notifications) whose every attempt failed, with the last error. With no
   * on-failure destination in the template, Lambda drops them too.
   */
  public List<String> droppedEvents() {
    return List.copyOf(droppedEvents);
  }

  public AwsCallRecorder recorder() {
    return recorder;
  }

  /**
   * Evaluates every recorded call against the roles in {@code policies} (this template or a copy).
   */
  public IamCheck.Report checkIam(CfnTemplate policies) {
    return new IamCheck(policies, functions()).evaluate(recorder.calls());
  }

  public long bedrockInvocations() {
    return bedrock.invocations();
  }

  /** One endpoint for every service (S3, SQS, DynamoDB, Secrets Manager, Bedrock). */
  public URI endpoint() {
    return edge.endpoint();
  }

  public URI apiUrl() {
    return api.endpoint();
  }

  /** The local name of the template's (first) bucket. */
  public Optional<String> bucket() {
    return template.ofType("AWS::S3::Bucket").stream().findFirst().map(template::physicalName);
  }

  /** The lines a user pastes into a shell to reach this stack with any AWS client. */
  public String exports() {
    return String.join(
        "\n",
        "export AWS_ENDPOINT_URL=" + endpoint(),
        "export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1",
        "export SIGNAL_HUB_BUCKET=" + bucket().orElse(""),
        "export SIGNAL_HUB_STATUS_URL=" + apiUrl());
  }

  /**
   * The runtime interface client and what it needs, as Lambda's java runtimes put them on the class
   * path.
   */
  static List<String> runtimeClasspath() {
    List<String> jars = new ArrayList<>();
    for (String type :
        List.of(
            LambdaFunction.RUNTIME_CLIENT,
            "com.amazonaws.services.lambda.runtime.Context",
            "com.amazonaws.services.lambda.runtime.serialization.PojoSerializer",
            "software.amazon.awssdk.utilslite.SdkInternalThreadLocal")) {
      try {
        Class<?> found = Class.forName(type, false, AsDeployedStack.class.getClassLoader());
        jars.add(
            Path.of(found.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
      } catch (ReflectiveOperationException | java.net.URISyntaxException e) {
        throw new IllegalStateException(
            "The runtime interface client is not on the class path (" + type + ")", e);
      }
    }
    return jars.stream().distinct().toList();
  }

  /**
   * The client's JNI library, unpacked once: left to itself every client unpacks it to the same
   * {@code /tmp/.libaws-lambda-jni.so} (Lambda gives each environment its own /tmp), and JVMs
   * starting together crash loading a file another is rewriting.
   */
  private static Path nativeClient(Path work) throws IOException {
    String arch = System.getProperty("os.arch").matches("aarch64|arm64") ? "aarch_64" : "x86_64";
    String name = "libaws-lambda-jni.linux-" + arch + ".so";
    Path target = work.resolve(name);
    try (InputStream in =
        AsDeployedStack.class.getClassLoader().getResourceAsStream("jni/" + name)) {
      if (in == null) {
        throw new IllegalStateException("The runtime interface client has no " + name);
      }
      Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }

  @Override
  public void close() throws Exception {
    for (SqsEventSource source : eventSources) {
      source.close();
    }
    pollers.forEach(SqsClient::close);
    asyncInvocations.shutdownNow();
    api.close();
    running.values().forEach(LambdaFunction::close);
    edge.close();
    secrets.close();
    bedrock.close();
    s3.close();
    sqs.close();
    dynamo.close();
    services.close();
  }
}
