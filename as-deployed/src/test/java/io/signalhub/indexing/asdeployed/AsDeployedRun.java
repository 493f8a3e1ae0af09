package io.signalhub.indexing.asdeployed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalhub.indexing.core.manifest.ManifestWriter;
import io.signalhub.indexing.infra.SignalHubApp;
import io.signalhub.indexing.local.deployed.AsDeployedStack;
import io.signalhub.indexing.local.deployed.AwsCall;
import io.signalhub.indexing.local.deployed.FunctionSpec;
import io.signalhub.indexing.local.deployed.IamCheck;
import io.signalhub.indexing.local.deployed.StackOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * One provider configuration run as deployed: the template synthesized by the CDK app with the
 * built zips, the stack started from it, every function booted, and one small job uploaded the way
 * a user uploads it (an S3 client with its own credentials) and followed through the HTTP API's
 * status function until it ends.
 */
final class AsDeployedRun implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();
  static final int FILES = 6;

  final Path template;
  final AsDeployedStack stack;
  final S3Client s3;
  final String bucket;
  final String jobId;
  final JsonNode finished;
  final JsonNode afterLateDuplicates;

  /** GET /jobs: the status function's query on the jobs index. */
  final String listed;

  final long seconds;
  private final HttpClient http = HttpClient.newHttpClient();

  /** Where the repository is (failsafe passes it; a run from an IDE starts in the module). */
  static Path root() {
    return Path.of(System.getProperty("signal-hub.root", "..")).toAbsolutePath().normalize();
  }

  AsDeployedRun(String name, Map<String, String> context, StackOptions options) throws Exception {
    long start = System.nanoTime();
    Path out = root().resolve("as-deployed/target/" + name);
    Files.createDirectories(out);
    template = SignalHubApp.synth(root(), out.resolve("cdk.out"), context);
    long synthesized = System.nanoTime();
    stack = AsDeployedStack.start(template, options);
    long started = System.nanoTime();
    try {
      stack.prewarm();
      long booted = System.nanoTime();
      System.out.printf(
          "As deployed (%s): synth %.1f s, stack %.1f s, every function booted %.1f s%n",
          name,
          (synthesized - start) / 1e9,
          (started - synthesized) / 1e9,
          (booted - started) / 1e9);
      s3 = asUser(S3Client.builder().forcePathStyle(true));
      bucket = stack.bucket().orElseThrow();
      jobId = name + "-job";
      upload(jobId, Map.of());
      finished = awaitEnd(jobId);
      afterLateDuplicates = redeliverLateDuplicates();
      listed = get("/jobs");
      seconds = (System.nanoTime() - start) / 1_000_000_000;
      System.out.printf(
          "As deployed (%s): job %s %s in %d s (synth, stack, boot and job)%n%s",
          name, jobId, finished.path("status").asText(), seconds, stack.invocationSummary());
    } catch (Throwable e) {
      System.err.println(stack.logs(40));
      stack.close();
      throw e;
    }
  }

  /** Follows job {@code id} through the status function until it ends; returns its status. */
  JsonNode awaitEnd(String id) throws Exception {
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                isTerminal(status(id).path("status").asText()) || !stack.droppedEvents().isEmpty());
    assertThat(stack.droppedEvents()).as("S3 events no attempt could handle").isEmpty();
    return status(id);
  }

  private static boolean isTerminal(String status) {
    return status.equals("COMPLETED")
        || status.equals("COMPLETED_WITH_FAILURES")
        || status.equals("FAILED");
  }

  /** Uploads the six files and job {@code id}'s manifest with {@code settings}. */
  void upload(String id, Map<String, String> settings) {
    ManifestWriter manifest = new ManifestWriter("demo", "sources/demo/").settings(settings);
    for (int i = 0; i < FILES; i++) {
      byte[] bytes =
          ("def handler_"
                  + i
                  + "(event):\n    \"\"\"Handler number "
                  + i
                  + ".\"\"\"\n"
                  + "    return event.get('id', "
                  + i
                  + ")\n")
              .getBytes(StandardCharsets.UTF_8);
      String path = "app/handler_" + i + ".py";
      s3.putObject(r -> r.bucket(bucket).key("sources/demo/" + path), RequestBody.fromBytes(bytes));
      manifest.file(path, bytes);
    }
    // a key outside the notification's filter starts nothing
    s3.putObject(
        r -> r.bucket(bucket).key("manifests/readme.txt"), RequestBody.fromString("not a job"));
    s3.putObject(
        r -> r.bucket(bucket).key("manifests/" + id + ".json"),
        RequestBody.fromString(manifest.toJson()));
  }

  /**
   * What at-least-once delivery can bring after a job ended: its manifest again on the continuation
   * queue and one of its batches on the dead-letter queue. Each reaches its function (so the
   * continuation and the DLQ consumer run too) and must change nothing.
   *
   * @return the job's status once both were handled
   */
  private JsonNode redeliverLateDuplicates() throws Exception {
    try (SqsClient sqs = asUser(SqsClient.builder())) {
      String embedder = function("Embedder").logicalId();
      String deadLetter = function("DeadLetterConsumer").logicalId();
      List<String> reached = new ArrayList<>();
      for (AsDeployedStack.EventSourceMapping mapping : stack.eventSourceMappings()) {
        if (mapping.function().equals(embedder)) {
          continue;
        }
        String url = sqs.getQueueUrl(r -> r.queueName(mapping.queue())).queueUrl();
        // the DLQ holds batches; the continuation and fan-out failure queues manifest keys
        String body =
            mapping.function().equals(deadLetter)
                ? "{\"jobId\":\""
                    + jobId
                    + "\",\"seq\":0,\"chunks\":1,\"payloadKey\":\"batches/late\"}"
                : "manifests/" + jobId + ".json";
        sqs.sendMessage(r -> r.queueUrl(url).messageBody(body));
        reached.add(mapping.function());
      }
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> reached.stream().allMatch(f -> stack.invocations(f) > 0) && stack.busy() == 0);
    }
    return status(jobId);
  }

  /** A client of the stack's endpoint with a user's credentials (none of the functions'). */
  <B extends AwsClientBuilder<B, C>, C> C asUser(B builder) {
    return builder
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .endpointOverride(stack.endpoint())
        .build();
  }

  /** GET /jobs/{id} through the template's HTTP API route, answered by the status function. */
  JsonNode status(String id) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/jobs/" + id)).build(),
            HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200
        ? JSON.readTree(response.body())
        : JSON.createObjectNode().put("status", "HTTP " + response.statusCode());
  }

  private String get(String path) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(stack.apiUrl() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
    return response.body();
  }

  /** The options every provider's run shares: its own work directory, one unpacked-code cache. */
  static StackOptions.Builder options(String name) {
    Path target = root().resolve("as-deployed/target");
    return StackOptions.builder(target.resolve(name).resolve("run"))
        .codeCache(target.resolve("unpacked-code"));
  }

  /** What the status function answers for a job that does not exist. */
  int statusCodeOf(String id) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/jobs/" + id)).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  long vectorObjects() {
    return s3.listObjectsV2(r -> r.bucket(bucket).prefix("vectors/")).contents().stream()
        .map(S3Object::key)
        .count();
  }

  /**
   * The job completed, every function that handled an event answered without error, and the late
   * duplicates changed nothing. The status function is held to less: on a loaded 2-core machine its
   * first request can outlive its 15 s timeout (printed); following the job to the end through it
   * is the proof it works.
   */
  void assertCompleted() {
    assertThat(finished.path("status").asText())
        .as("job %s: %s%n%s", jobId, finished, stack.logs(30))
        .isEqualTo("COMPLETED");
    assertThat(finished.path("completed").asLong()).isEqualTo(finished.path("total").asLong());
    assertThat(finished.path("total").asLong()).isGreaterThanOrEqualTo(FILES);
    assertThat(vectorObjects()).isPositive();
    for (FunctionSpec f : stack.functions()) {
      if (f.logicalId().startsWith("Status")) {
        if (stack.errors(f.logicalId()) > 0) {
          System.out.printf(
              "WARNING: %s failed %d of %d invocations (see the log above: a timeout is its 10 s"
                  + " limit on a loaded machine)%n",
              f.logicalId(), stack.errors(f.logicalId()), stack.invocations(f.logicalId()));
        }
        assertThat(stack.errors(f.logicalId())).isLessThan(stack.invocations(f.logicalId()));
        continue;
      }
      assertThat(stack.invocations(f.logicalId())).as(f.logicalId()).isPositive();
      assertThat(stack.errors(f.logicalId())).as("%s%n%s", f.logicalId(), stack.logs(30)).isZero();
    }
    assertThat(listed).contains(jobId);
    for (String field : new String[] {"status", "total", "completed", "failed"}) {
      assertThat(afterLateDuplicates.path(field)).as(field).isEqualTo(finished.path(field));
    }
  }

  /** The function whose logical id starts with {@code prefix} (CDK appends a hash). */
  FunctionSpec function(String prefix) {
    return stack.functions().stream()
        .filter(
            f ->
                f.logicalId().startsWith(prefix)
                    && !f.logicalId().startsWith(prefix + "Continuation")
                    && !f.logicalId().startsWith(prefix + "Failure"))
        .findFirst()
        .orElseThrow();
  }

  /**
   * The IAM check on this run: every recorded call allowed by its function's role in the template;
   * the report (with the grants never used) printed.
   */
  IamCheck.Report assertEveryCallAllowed(String... actionsExpected) {
    IamCheck.Report report = stack.checkIam(stack.template());
    System.out.println("IAM proven by use (" + jobId + "):\n" + report.render());
    assertThat(stack.recorder().unparsed()).isEmpty();
    assertThat(stack.recorder().calls()).extracting(AwsCall::action).contains(actionsExpected);
    assertThat(report.denials()).as(report.render()).isEmpty();
    return report;
  }

  /** Closes what a test class started, in order, skipping what never started. */
  static void closeAll(AutoCloseable... started) throws Exception {
    for (AutoCloseable each : started) {
      if (each != null) {
        each.close();
      }
    }
  }

  @Override
  public void close() throws Exception {
    s3.close();
    stack.close();
  }
}
