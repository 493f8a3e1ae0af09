package io.signalhub.indexing.embedder;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.empty;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.aws.it.EmbeddedAwsTestResource;
import io.signalhub.indexing.core.economy.EconomyService;
import io.signalhub.indexing.core.economy.PollScheduler;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStatus;
import io.signalhub.indexing.core.manifest.ManifestWriter;
import io.signalhub.indexing.core.pipeline.FanOutService;
import io.signalhub.indexing.core.pipeline.Keys;
import io.signalhub.indexing.core.provider.EmbeddingProvider;
import io.signalhub.indexing.core.provider.ModelProfile;
import io.signalhub.indexing.core.provider.OpenAiCompatibleProvider;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/** The embedder as Lambda calls it, with the real local model, on the embedded AWS services. */
@QuarkusTest
@QuarkusTestResource(EmbeddedAwsTestResource.class)
class EmbedHandlerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject AwsPipeline pipeline;
  @Inject EmbeddingProvider provider;

  static String event(String body, int receiveCount) throws IOException {
    try (InputStream in = EmbedHandlerTest.class.getResourceAsStream("/events/sqs-batch.json")) {
      String template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return template
          .replace("\"BODY\"", JSON.writeValueAsString(body))
          .replace(
              "\"ApproximateReceiveCount\": \"1\"",
              "\"ApproximateReceiveCount\": \"" + receiveCount + "\"");
    }
  }

  /**
   * Delivers {@code body} once per receive count, as SQS redelivers a message, and expects every
   * delivery acknowledged: a redelivery must never come back as a batch item failure.
   */
  static void deliver(String body, int... receiveCounts) throws IOException {
    for (int receiveCount : receiveCounts) {
      given()
          .body(event(body, receiveCount))
          .post()
          .then()
          .statusCode(200)
          .body("batchItemFailures", empty());
    }
  }

  /** Fans out a one-file job and returns its one batch message body. */
  static String fanOutOneBatch(AwsPipeline pipeline, EmbeddingProvider provider, String jobId) {
    return fanOutOneBatch(pipeline, ModelProfile.of("local", provider), jobId);
  }

  /** Fans out a one-file job for {@code model} and returns its one batch message body. */
  static String fanOutOneBatch(AwsPipeline pipeline, ModelProfile model, String jobId) {
    return fanOutOneFile(pipeline, pipeline.fanOut(model), jobId, Map.of());
  }

  /**
   * Fans out a one-file economy job for the OpenAI model through {@code submitter}; returns its
   * poll message, taken off the batch queue.
   */
  static String fanOutEconomyPoll(AwsPipeline pipeline, EconomyService submitter, String jobId) {
    String gather =
        fanOutOneFile(
            pipeline,
            pipeline.fanOut(OpenAiCompatibleProvider.profile(null, 0), submitter),
            jobId,
            Map.of("mode", "economy"));
    // the fan-out queues a gather of its batches; gathering submits them and queues the poll
    submitter.poll(PollScheduler.PollRequest.parse(gather).orElseThrow());
    return takeOne(pipeline, jobId);
  }

  /**
   * Fans out a one-file job with {@code settings} through {@code fanOut}; returns the one message
   * it put on the batch queue (a batch, or an economy job's poll), taken off the queue.
   */
  static String fanOutOneFile(
      AwsPipeline pipeline, FanOutService fanOut, String jobId, Map<String, String> settings) {
    String source =
        "class Greeter {\n  String greet(String name) { return \"Hello \" + name; }\n}\n";
    byte[] bytes = source.getBytes(StandardCharsets.UTF_8);
    pipeline.blobs().put("sources/" + jobId + "/Greeter.java", bytes);
    pipeline
        .blobs()
        .put(
            Keys.manifest(jobId),
            new ManifestWriter("demo", "sources/" + jobId + "/")
                .settings(settings)
                .file("Greeter.java", bytes)
                .toBytes());
    fanOut.fanOut(Keys.manifest(jobId), Instant.MAX);
    return takeOne(pipeline, jobId);
  }

  /** Takes the one message about {@code jobId} off the batch queue. */
  static String takeOne(AwsPipeline pipeline, String jobId) {
    String queue = pipeline.queueUrl(pipeline.settings().batchQueue());
    List<Message> messages =
        pipeline
            .sqs()
            .receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1))
            .messages()
            .stream()
            .filter(m -> m.body().contains("\"" + jobId + "\""))
            .toList();
    assertThat(messages).hasSize(1);
    pipeline
        .sqs()
        .deleteMessage(r -> r.queueUrl(queue).receiptHandle(messages.get(0).receiptHandle()));
    return messages.get(0).body();
  }

  @Test
  void aBatchIsEmbeddedStoredAndCountedOnceEvenWhenDeliveredTwice() throws Exception {
    String body = fanOutOneBatch(pipeline, provider, "embed-handler-job");

    deliver(body, 1, 2);

    JobRecord job = pipeline.jobs().get("embed-handler-job").orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(job.counters().completed()).isEqualTo(job.counters().total()).isEqualTo(1);
    assertThat(job.counters().batchesProcessed()).isEqualTo(1);
    String vectors =
        new String(
            pipeline.blobs().read(Keys.vectors("embed-handler-job", 0)), StandardCharsets.UTF_8);
    assertThat(JSON.readTree(vectors).path("vector").size()).isEqualTo(384);
    assertThat(JSON.readTree(vectors).path("path").asText()).isEqualTo("Greeter.java");
  }
}
