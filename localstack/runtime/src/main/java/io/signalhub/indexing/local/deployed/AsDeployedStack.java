package io.signalhub.indexing.local.deployed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalhub.indexing.local.services.EdgeGateway;
import io.signalhub.indexing.local.services.EmbeddedAwsServices;
import io.signalhub.indexing.local.services.S3Notification;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

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
  private final List<Notification> notifications = new ArrayList<>();
  private final EventSourceMappings mappings;
  private final AsyncInvoker async;
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

    Map<String, Path> assets = TemplateResources.assets(templateFile);
    TemplateResources.create(template, s3, sqs, dynamo);
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
    TemplateResources.deployBucketContents(template, s3, assets);
    readFunctions(assets);
    Path work = Files.createDirectories(options.workDir());
    List<String> runtimeClasspath = RuntimeInterfaceClient.classpath();
    Path nativeClient = RuntimeInterfaceClient.nativeClient(work);
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
    async = new AsyncInvoker(this, template, options.asyncRetryDelay());
    readNotifications();
    mappings = EventSourceMappings.start(this, template, options.maxEnvironments());
    api = new HttpApiServer(routes(), options.apiPort());
    for (Notification n : notifications) {
      services.addNotification(
          new S3Notification(
              n.bucket(), n.prefix(), n.suffix(), event -> async.onS3Event(n, event)));
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
  String functionNamed(String arnOrName) {
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

  /** The template's Java function {@code logicalId}. */
  FunctionSpec spec(String logicalId) {
    return functions.get(logicalId);
  }

  /** The running environments of function {@code logicalId}. */
  LambdaFunction environment(String logicalId) {
    return running.get(logicalId);
  }

  /** An SQS client signing as {@code function} (with its role), through the endpoint. */
  SqsClient signedAs(String function) {
    return SqsClient.builder()
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(accessKey(function), "localsecret")))
        .endpointOverride(edge.endpoint())
        .build();
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
    return mappings.all();
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
    return async.droppedEvents();
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

  @Override
  public void close() throws Exception {
    mappings.close();
    async.close();
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
