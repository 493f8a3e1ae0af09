package io.signalhub.indexing.local.deployed;

import io.signalhub.indexing.local.services.EdgeGateway;
import io.signalhub.indexing.local.services.EmbeddedAwsServices;
import io.signalhub.indexing.local.services.S3Notification;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
  private final EmbeddedAwsServices services;
  private final SecretsManagerServer secrets;
  private final BedrockStandIn bedrock;
  private final EdgeGateway edge;
  private final AwsCallRecorder recorder;
  private final ServiceClients clients;
  private final DeployedFunctions functions;
  private final Map<String, LambdaFunction> running = new LinkedHashMap<>();
  private final List<Notification> notifications;
  private final EventSourceMappings mappings;
  private final AsyncInvoker async;
  private final HttpApiServer api;

  private AsDeployedStack(Path templateFile, StackOptions options) throws Exception {
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
    recorder = new AwsCallRecorder(functionByKey, secrets::arnOf);
    Map<EdgeGateway.Service, URI> routes = new EnumMap<>(services.edgeRoutes());
    routes.put(EdgeGateway.Service.SECRETS_MANAGER, secrets.endpoint());
    routes.put(EdgeGateway.Service.BEDROCK, bedrock.endpoint());
    edge = EdgeGateway.start(options.edgePort(), routes, recorder);
    template = CfnTemplate.read(templateFile, edge.endpoint().toString());
    clients = ServiceClients.of(services);

    Map<String, Path> assets = TemplateResources.assets(templateFile);
    TemplateResources.create(template, clients.s3(), clients.sqs(), clients.dynamo());
    secrets.createAll(template, options.secretValues());
    TemplateResources.deployBucketContents(template, clients.s3(), assets);
    functions = DeployedFunctions.read(template, assets);
    Path work = Files.createDirectories(options.workDir());
    List<String> runtimeClasspath = RuntimeInterfaceClient.classpath();
    Path nativeClient = RuntimeInterfaceClient.nativeClient(work);
    for (FunctionSpec spec : functions.all()) {
      Map<String, String> platform = new LinkedHashMap<>();
      platform.put("AWS_ACCESS_KEY_ID", accessKey(spec.logicalId()));
      platform.put("AWS_SECRET_ACCESS_KEY", "localsecret");
      // as Lambda gives them: temporary credentials always come with a session token
      platform.put("AWS_SESSION_TOKEN", "localsession" + spec.logicalId());
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
    notifications = functions.notifications(template);
    mappings = EventSourceMappings.start(this, template, options.maxEnvironments());
    api = new HttpApiServer(routes(), options.apiPort());
    for (Notification n : notifications) {
      services.addNotification(
          new S3Notification(
              n.bucket(), n.prefix(), n.suffix(), event -> async.onS3Event(n, event)));
    }
  }

  /** Reads {@code template} (in a cdk.out directory, beside its assets) and starts everything. */
  public static AsDeployedStack start(Path template, StackOptions options) throws Exception {
    return new AsDeployedStack(template, options);
  }

  /** Each function signs with its own access key id, so the stack knows who called. */
  static String accessKey(String functionLogicalId) {
    return "LOCAL" + functionLogicalId;
  }

  /** The function an ARN (qualified or not) or a {@code name:alias} names. */
  String functionNamed(String arnOrName) {
    return functions.named(arnOrName);
  }

  /** The template's Java function {@code logicalId}. */
  FunctionSpec spec(String logicalId) {
    return functions.spec(logicalId);
  }

  /** The running environments of function {@code logicalId}. */
  LambdaFunction environment(String logicalId) {
    return running.get(logicalId);
  }

  /** An SQS client signing as {@code function} (with its role), through the endpoint. */
  SqsClient signedAs(String function) {
    return ServiceClients.local(
        SqsClient.builder(),
        ServiceClients.credentials(accessKey(function), "localsecret"),
        edge.endpoint());
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
    LambdaFunction.prewarmAll(running.values());
  }

  // ---- what tests and users see ----

  public CfnTemplate template() {
    return template;
  }

  public List<FunctionSpec> functions() {
    return functions.all();
  }

  /** Functions the template holds that are not run (CDK's deploy-time handlers). */
  public List<String> skippedFunctions() {
    return functions.skipped();
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
    clients.close();
    services.close();
  }
}
