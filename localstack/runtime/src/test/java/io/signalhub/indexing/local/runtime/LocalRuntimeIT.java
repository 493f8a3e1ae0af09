package io.signalhub.indexing.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalhub.indexing.core.manifest.ManifestWriter;
import io.signalhub.indexing.core.provider.ProviderSettings;
import io.signalhub.indexing.simulator.SimulatedEmbeddingServer;
import io.signalhub.indexing.simulator.SimulatorSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** Any S3 client starts a job on the local stack, and the status API follows it to the end. */
class LocalRuntimeIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ProviderSettings LOCAL_MODEL =
      new ProviderSettings("local", null, 0, null, null, null);
  private final HttpClient http = HttpClient.newHttpClient();

  /** A plain SDK client, configured as a user would from the printed exports. */
  static S3Client s3(LocalRuntime stack) {
    return configured(S3Client.builder(), stack.s3Endpoint()).forcePathStyle(true).build();
  }

  private static <B extends AwsClientBuilder<B, ?>> B configured(B builder, URI endpoint) {
    return builder
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")));
  }

  static void uploadJob(S3Client s3, String bucket, String jobId, int files) {
    ManifestWriter manifest = new ManifestWriter("demo", "sources/demo/");
    for (int i = 0; i < files; i++) {
      byte[] bytes =
          ("def handler_" + i + "(event):\n    return event.get('id', " + i + ")\n")
              .getBytes(StandardCharsets.UTF_8);
      String path = "app/handler_" + i + ".py";
      s3.putObject(r -> r.bucket(bucket).key("sources/demo/" + path), RequestBody.fromBytes(bytes));
      manifest.file(path, bytes);
    }
    s3.putObject(
        r -> r.bucket(bucket).key("manifests/" + jobId + ".json"),
        RequestBody.fromString(manifest.toJson()));
  }

  private JsonNode status(LocalRuntime stack, String jobId) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(stack.statusUrl() + "/jobs/" + jobId)).build(),
            HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200
        ? JSON.readTree(response.body())
        : JSON.createObjectNode().put("status", "HTTP " + response.statusCode());
  }

  /** Polls the status API until the job's status is {@code status}; the job as it says then. */
  private JsonNode awaitStatus(LocalRuntime stack, String jobId, String status, Duration atMost)
      throws Exception {
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> status(stack, jobId).path("status").asText().equals(status));
    return status(stack, jobId);
  }

  @Test
  void aManifestUploadedWithTheSdkRunsToCompletionAndTheStatusApiSaysSo() throws Exception {
    try (LocalRuntime stack =
            LocalRuntime.start(LocalRuntime.Ports.ANY, null, LOCAL_MODEL, key -> Optional.empty());
        S3Client s3 = s3(stack)) {
      uploadJob(s3, stack.bucket(), "sdk-job", 12);

      JsonNode job = awaitStatus(stack, "sdk-job", "COMPLETED", Duration.ofSeconds(90));
      assertThat(job.path("total").asLong()).isEqualTo(12);
      assertThat(job.path("completed").asLong()).isEqualTo(12);
      assertThat(job.path("totalFinal").asBoolean()).isTrue();
      assertThat(job.path("apiCalls").asLong()).isPositive().isLessThan(12);
      assertThat(status(stack, "no-such-job").path("status").asText()).isEqualTo("HTTP 404");
    }
  }

  /**
   * A provider nobody listens for (a wrong --base-url, a server not started): the job ends FAILED
   * with what to fix after its first batch's retries, not after maxReceiveCount visibility timeouts
   * (15 minutes by default).
   */
  @Test
  void aJobWhoseProviderCannotBeReachedEndsFailedInSecondsWithWhatToFix() throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    ProviderSettings nowhere =
        new ProviderSettings(
            "openai",
            "text-embedding-3-small",
            0,
            URI.create("http://127.0.0.1:" + closedPort + "/v1"),
            "sk-test",
            null);
    try (LocalRuntime stack =
            LocalRuntime.start(LocalRuntime.Ports.ANY, null, nowhere, key -> Optional.empty());
        S3Client s3 = s3(stack)) {
      uploadJob(s3, stack.bucket(), "unreachable-job", 40);

      JsonNode job = awaitStatus(stack, "unreachable-job", "FAILED", Duration.ofSeconds(60));
      assertThat(job.path("reason").asText())
          .startsWith("cannot reach the embedding provider")
          .contains("--base-url");
      assertThat(job.path("apiCalls").asLong()).isZero();
    }
  }

  /**
   * Closing the stack (a command's exit after Ctrl-C, {@code local-stack up} stopped) while a batch
   * is at the provider: the batch finishes before the clients it writes with close, so nothing is
   * logged (a "Connection pool shut down" stack trace used to follow the summary).
   */
  @Test
  void closingWhileABatchIsAtTheProviderLetsItFinishQuietly() throws Exception {
    long latencyMillis = 7_000; // longer than a poller used to be given to finish
    List<LogRecord> logged = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord entry) {
            if (entry.getLevel().intValue() >= Level.WARNING.intValue()) {
              logged.add(entry);
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    try (SimulatedEmbeddingServer provider =
        SimulatedEmbeddingServer.start(
            SimulatorSettings.builder().fixedLatencyMillis(latencyMillis).build())) {
      ProviderSettings simulated =
          new ProviderSettings(
              "openai", "text-embedding-3-small", 0, provider.baseUrl(), "sk-test", null);
      LocalRuntime stack =
          LocalRuntime.start(LocalRuntime.Ports.ANY, null, simulated, key -> Optional.empty());
      try (S3Client s3 = s3(stack)) {
        uploadJob(s3, stack.bucket(), "closing-job", 12);
        await().atMost(Duration.ofSeconds(60)).until(() -> provider.stats().requests() > 0);
      }
      long atProvider = System.nanoTime();
      Logger.getLogger("").addHandler(capture);
      try {
        stack.close();
        // a batch cut off by the close would fail when the provider answers: wait past that
        long answered = atProvider + Duration.ofMillis(latencyMillis + 2_000).toNanos();
        Thread.sleep(Math.max(0, (answered - System.nanoTime()) / 1_000_000));
      } finally {
        Logger.getLogger("").removeHandler(capture);
      }
      assertThat(provider.stats().served()).isPositive();
      assertThat(logged)
          .extracting(entry -> entry.getLoggerName() + ": " + entry.getMessage())
          .isEmpty();
    }
  }

  @Test
  void oneEndpointServesS3SqsAndDynamoDbAndStartsJobs() throws Exception {
    try (LocalRuntime stack =
            LocalRuntime.start(LocalRuntime.Ports.ANY, null, LOCAL_MODEL, key -> Optional.empty());
        S3Client s3 =
            configured(S3Client.builder(), stack.edgeEndpoint()).forcePathStyle(true).build();
        SqsClient sqs = configured(SqsClient.builder(), stack.edgeEndpoint()).build();
        DynamoDbClient dynamo =
            configured(DynamoDbClient.builder(), stack.edgeEndpoint()).build()) {
      uploadJob(s3, stack.bucket(), "edge-job", 3);
      assertThat(s3.headObject(r -> r.bucket(stack.bucket()).key("manifests/edge-job.json")))
          .satisfies(head -> assertThat(head.contentLength()).isPositive());

      String queue = sqs.createQueue(r -> r.queueName("edge-check")).queueUrl();
      sqs.sendMessage(r -> r.queueUrl(queue).messageBody("hello"));
      assertThat(sqs.receiveMessage(r -> r.queueUrl(queue).waitTimeSeconds(1)).messages())
          .extracting(Message::body)
          .containsExactly("hello");
      assertThat(dynamo.listTables().tableNames()).contains("signal-hub-jobs");

      awaitStatus(stack, "edge-job", "COMPLETED", Duration.ofSeconds(90));
    }
  }

  /**
   * Temporary credentials (SSO, assumed roles, every Lambda) sign with a session token, sent as
   * {@code x-amz-security-token}; and only the stack's bucket starts jobs, as on AWS.
   */
  @Test
  void sessionCredentialsWorkAndOnlyTheStacksBucketStartsJobs() throws Exception {
    var session =
        StaticCredentialsProvider.create(
            AwsSessionCredentials.create("ASIATEST", "secret", "FwoGZXIvYXdzEXAMPLE//token"));
    try (LocalRuntime stack =
            LocalRuntime.start(LocalRuntime.Ports.ANY, null, LOCAL_MODEL, key -> Optional.empty());
        S3Client direct =
            configured(S3Client.builder(), stack.s3Endpoint())
                .credentialsProvider(session)
                .forcePathStyle(true)
                .build();
        S3Client edge =
            configured(S3Client.builder(), stack.edgeEndpoint())
                .credentialsProvider(session)
                .forcePathStyle(true)
                .build()) {
      assertThat(direct.listBuckets().buckets()).extracting(b -> b.name()).contains(stack.bucket());
      assertThat(edge.listObjectsV2(r -> r.bucket(stack.bucket())).keyCount()).isZero();

      edge.createBucket(r -> r.bucket("elsewhere"));
      uploadJob(edge, "elsewhere", "elsewhere-job", 2);
      uploadJob(direct, stack.bucket(), "session-job", 2);

      awaitStatus(stack, "session-job", "COMPLETED", Duration.ofSeconds(90));
      // S3 announced the other bucket's manifest first, to the same single fan-out worker, if at
      // all
      assertThat(status(stack, "elsewhere-job").path("status").asText()).isEqualTo("HTTP 404");
    }
  }

  /**
   * The S3-triggered fan-out is retried as Lambda retries an asynchronous invocation, then handed
   * to the on-failure destination, whose consumer ends the job FAILED with the error.
   */
  @Test
  void aFanOutThatAlwaysCrashesEndsItsJobFailedWithTheReason() throws Exception {
    java.util.concurrent.atomic.AtomicInteger attempts =
        new java.util.concurrent.atomic.AtomicInteger();
    try (LocalRuntime stack =
            LocalRuntime.start(
                LocalRuntime.Ports.ANY,
                LOCAL_MODEL,
                key ->
                    Optional.ofNullable(
                        Map.of("signal-hub.local.fanout-retry-delay-ms", "10").get(key)),
                real ->
                    keys -> {
                      attempts.incrementAndGet();
                      throw new IllegalStateException("simulated crash");
                    });
        S3Client s3 = s3(stack)) {
      uploadJob(s3, stack.bucket(), "crashing-job", 2);

      awaitStatus(stack, "crashing-job", "FAILED", Duration.ofSeconds(60));

      assertThat(attempts.get()).isEqualTo(3);
      assertThat(status(stack, "crashing-job").path("reason").asText())
          .isEqualTo(
              "fan-out failed: RetriesExhausted after 3 attempts: java.lang.IllegalStateException:"
                  + " simulated crash");
    }
  }

  @Test
  void aJobInterruptedByAStopResumesAfterUpWithTheSameDataDirectory(@TempDir Path data)
      throws Exception {
    try (LocalRuntime stopped =
            LocalRuntime.start(
                LocalRuntime.Ports.ANY,
                data,
                LOCAL_MODEL,
                key -> Optional.ofNullable(Map.of("signal-hub.local.embedders", "0").get(key)));
        S3Client s3 = s3(stopped)) {
      uploadJob(s3, stopped.bucket(), "interrupted-job", 8);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> status(stopped, "interrupted-job").path("totalFinal").asBoolean());
      assertThat(status(stopped, "interrupted-job").path("completed").asLong()).isZero();
    }

    try (LocalRuntime restarted =
        LocalRuntime.start(LocalRuntime.Ports.ANY, data, LOCAL_MODEL, key -> Optional.empty())) {
      awaitStatus(restarted, "interrupted-job", "COMPLETED", Duration.ofSeconds(90));
      assertThat(status(restarted, "interrupted-job").path("completed").asLong()).isEqualTo(8);
    }
  }
}
