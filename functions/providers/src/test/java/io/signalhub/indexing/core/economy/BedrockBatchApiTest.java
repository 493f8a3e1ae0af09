package io.signalhub.indexing.core.economy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.signalhub.indexing.core.pipeline.InMemoryBlobStore;
import io.signalhub.indexing.core.provider.EmbeddingException;
import io.signalhub.indexing.core.provider.ProviderSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The shapes {@link BedrockBatchApi} sends and reads, through the real SDK client against a local
 * endpoint that records each request and answers with the API reference's shapes (fixtures under
 * {@code bedrock/}).
 */
class BedrockBatchApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BUCKET = "signal-hub-bucket";
  private static final String ROLE = "arn:aws:iam::123456789012:role/signal-hub-bedrock-batch";
  private static final String JOB_ARN =
      "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcd1234efgh";

  /** A request as the endpoint saw it. */
  private record Seen(String method, String rawPath, JsonNode body) {}

  private HttpServer server;
  private final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
  private volatile int status = 200;
  private volatile String errorType;
  private volatile String answer = "{\"jobArn\":\"" + JOB_ARN + "\"}";
  private final InMemoryBlobStore blobs = new InMemoryBlobStore();
  private ProviderBatchApi api;

  @BeforeAll
  static void credentials() {
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
  }

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::answer);
    server.start();
    api =
        ProviderBatchApis.forSettings(
            new ProviderSettings(
                "bedrock",
                null,
                256,
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                null,
                "us-east-1"),
            new ProviderBatchApis.Storage(blobs, BUCKET, ROLE));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void answer(HttpExchange exchange) throws IOException {
    try (exchange;
        InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readAllBytes();
      seen.add(
          new Seen(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getRawPath(),
              body.length == 0 ? null : JSON.readTree(body)));
      if (errorType != null) {
        exchange.getResponseHeaders().add("x-amzn-ErrorType", errorType);
      }
      byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
    }
  }

  private byte[] lines(ProviderBatchApi.Request... requests) {
    StringBuilder jsonl = new StringBuilder();
    for (ProviderBatchApi.Request request : requests) {
      jsonl.append(new String(api.line(request), StandardCharsets.UTF_8));
    }
    return jsonl.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void submitWritesTheInputThroughTheBlobPortAndCreatesAJobInBedrocksShape() throws Exception {
    byte[] jsonl =
        lines(
            new ProviderBatchApi.Request("7-0", "amazon.titan-embed-text-v2:0", 256, "def f():"),
            new ProviderBatchApi.Request("7-1", "amazon.titan-embed-text-v2:0", 256, "def g():"));

    ProviderBatch batch = api.submit("job-1-s7.jsonl", jsonl, Map.of("signal_hub_job", "job-1"));

    assertThat(batch.id()).isEqualTo(JOB_ARN);
    assertThat(batch.state()).isEqualTo(ProviderBatch.State.VALIDATING);
    Seen create = seen.poll();
    assertThat(create.method()).isEqualTo("POST");
    assertThat(create.rawPath()).isEqualTo("/model-invocation-job");
    JsonNode body = create.body();
    assertThat(body.path("jobName").asText()).isEqualTo("job-1-s7");
    assertThat(body.path("roleArn").asText()).isEqualTo(ROLE);
    assertThat(body.path("modelId").asText()).isEqualTo("amazon.titan-embed-text-v2:0");
    assertThat(body.path("timeoutDurationInHours").asInt()).isEqualTo(24);
    assertThat(body.path("clientRequestToken").asText()).matches("[0-9a-f]{64}");
    assertThat(body.at("/inputDataConfig/s3InputDataConfig/s3Uri").asText())
        .isEqualTo("s3://signal-hub-bucket/economy/bedrock/input/job-1-s7.jsonl");
    assertThat(body.at("/inputDataConfig/s3InputDataConfig/s3InputFormat").asText())
        .isEqualTo("JSONL");
    assertThat(body.at("/outputDataConfig/s3OutputDataConfig/s3Uri").asText())
        .isEqualTo("s3://signal-hub-bucket/economy/bedrock/output/");
    assertThat(body.has("tags")).isFalse(); // tagging would need bedrock:TagResource
    String[] input =
        new String(blobs.read("economy/bedrock/input/job-1-s7.jsonl"), StandardCharsets.UTF_8)
            .split("\n");
    // the two requests, then one-token records up to Bedrock's minimum of 100 per job
    assertThat(input).hasSize(BedrockBatchApi.MIN_RECORDS);
    JsonNode first = JSON.readTree(input[0]);
    assertThat(first.path("recordId").asText()).isEqualTo("R372d30").matches("[A-Za-z0-9]+");
    assertThat(first.path("modelInput").path("inputText").asText()).isEqualTo("def f():");
    assertThat(first.path("modelInput").path("dimensions").asInt()).isEqualTo(256);
    assertThat(first.path("modelInput").path("normalize").asBoolean()).isTrue();
    assertThat(JSON.readTree(input[99]).path("recordId").asText()).isEqualTo("P99");
  }

  @Test
  void aResentSubmissionSendsTheSameClientRequestTokenSoBedrockCreatesNoSecondJob() {
    byte[] jsonl = lines(new ProviderBatchApi.Request("1-0", "m", 0, "x"));
    api.submit("job-1-s1.jsonl", jsonl, Map.of());
    api.submit("job-1-s1.jsonl", jsonl, Map.of());
    api.submit("job-1-s1-r1.jsonl", jsonl, Map.of());

    List<String> tokens =
        seen.stream().map(s -> s.body().path("clientRequestToken").asText()).toList();
    assertThat(tokens.get(0)).isEqualTo(tokens.get(1)).isNotEqualTo(tokens.get(2));
  }

  @ParameterizedTest
  @CsvSource({
    "Submitted, VALIDATING",
    "Validating, VALIDATING",
    "Scheduled, IN_PROGRESS",
    "InProgress, IN_PROGRESS",
    "Stopping, CANCELLING",
    "Stopped, CANCELLED",
    "Completed, COMPLETED",
    "PartiallyCompleted, COMPLETED",
    "Failed, FAILED",
    "Expired, EXPIRED"
  })
  void readsEachBedrockStatusAsABatchState(String bedrock, ProviderBatch.State expected)
      throws Exception {
    answer = fixture("get-model-invocation-job.json").replace("%STATUS%", bedrock);

    ProviderBatch batch = api.get(JOB_ARN);

    assertThat(batch.state()).isEqualTo(expected);
    Seen get = seen.poll();
    assertThat(get.method()).isEqualTo("GET");
    // the ARN travels percent-encoded in one path segment
    assertThat(get.rawPath())
        .isEqualTo(
            "/model-invocation-job/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3A"
                + "model-invocation-job%2Fabcd1234efgh");
    assertThat(batch.outputFileId())
        .isEqualTo(
            expected.terminal() ? "economy/bedrock/output/abcd1234efgh/job-1-s0.jsonl.out" : null);
  }

  @Test
  void aFailedJobCarriesBedrocksMessage() throws Exception {
    answer =
        fixture("get-model-invocation-job.json")
            .replace("%STATUS%", "Failed")
            .replace("%MESSAGE%", "The role cannot read the input");

    assertThat(api.get(JOB_ARN).error()).isEqualTo("The role cannot read the input");
  }

  @Test
  void resultsAreMatchedByRecordIdWithFailedRecordsCarryingTheirReasonAndPaddingLeftOut()
      throws Exception {
    blobs.put(
        "economy/bedrock/output/abcd1234efgh/job-1-s0.jsonl.out",
        fixture("job-1-s0.jsonl.out").getBytes(StandardCharsets.UTF_8));
    answer = fixture("get-model-invocation-job.json").replace("%STATUS%", "PartiallyCompleted");

    List<ProviderBatchApi.Result> results = api.results(api.get(JOB_ARN));

    assertThat(results).extracting(ProviderBatchApi.Result::customId).containsExactly("0-1", "0-0");
    assertThat(results.get(0).succeeded()).isFalse();
    assertThat(results.get(0).error())
        .isEqualTo("400: Malformed input request: the input is too long");
    assertThat(results.get(1).vector()).containsExactly(0.25f, -0.5f, 0.75f);
    assertThat(results.get(1).tokens()).isEqualTo(4);
  }

  @Test
  void aJobThatWroteNoOutputHasNoResults() throws Exception {
    answer = fixture("get-model-invocation-job.json").replace("%STATUS%", "Expired");

    assertThat(api.results(api.get(JOB_ARN))).isEmpty();
  }

  @Test
  void cancelStopsTheJob() {
    answer = "{}";

    api.cancel(JOB_ARN);

    Seen stop = seen.poll();
    assertThat(stop.method()).isEqualTo("POST");
    assertThat(stop.rawPath()).startsWith("/model-invocation-job/arn%3Aaws").endsWith("/stop");
  }

  @Test
  void throttlingAndQuotasAreRetriedAndValidationErrorsAreNot() {
    answer = "{\"message\":\"slow down\"}";
    status = 429;
    errorType = "ThrottlingException";
    assertThatThrownBy(() -> api.get(JOB_ARN))
        .isInstanceOfSatisfying(
            EmbeddingException.class,
            e -> assertThat(e.kind()).isEqualTo(EmbeddingException.Kind.RETRYABLE));
    status = 400;
    errorType = "ServiceQuotaExceededException";
    assertThatThrownBy(() -> api.submit("j.jsonl", new byte[0], Map.of()))
        .isInstanceOfSatisfying(
            EmbeddingException.class,
            e -> assertThat(e.kind()).isEqualTo(EmbeddingException.Kind.RETRYABLE));
    errorType = "ValidationException";
    answer = "{\"message\":\"roleArn is not valid\"}";
    assertThatThrownBy(() -> api.submit("j.jsonl", new byte[0], Map.of()))
        .isInstanceOfSatisfying(
            EmbeddingException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(EmbeddingException.Kind.FATAL);
              assertThat(e.getMessage()).contains("400").contains("roleArn is not valid");
            });
  }

  @Test
  void onlyTitanWithAServiceRoleHasABatchApi() {
    ProviderSettings cohere =
        new ProviderSettings("bedrock", "cohere.embed-english-v3", 0, null, null, "us-east-1");
    ProviderSettings titan = cohere.withModel(null);
    assertThat(
            ProviderBatchApis.forSettings(
                cohere, new ProviderBatchApis.Storage(blobs, BUCKET, ROLE)))
        .isNull();
    assertThat(
            ProviderBatchApis.forSettings(
                titan, new ProviderBatchApis.Storage(blobs, BUCKET, null)))
        .isNull();
    assertThat(
            ProviderBatchApis.forSettings(
                titan, new ProviderBatchApis.Storage(blobs, BUCKET, ROLE)))
        .isInstanceOf(BedrockBatchApi.class);
  }

  private static String fixture(String name) throws IOException {
    try (InputStream in = BedrockBatchApiTest.class.getResourceAsStream("/bedrock/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
