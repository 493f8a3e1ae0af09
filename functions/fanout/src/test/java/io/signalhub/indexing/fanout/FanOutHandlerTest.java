package io.signalhub.indexing.fanout;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.aws.it.EmbeddedAwsTestResource;
import io.signalhub.indexing.core.job.JobStatus;
import io.signalhub.indexing.core.manifest.ManifestWriter;
import io.signalhub.indexing.core.pipeline.Keys;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The handler as Lambda calls it: a raw S3 event through Quarkus' mock event server. */
@QuarkusTest
@QuarkusTestResource(EmbeddedAwsTestResource.class)
class FanOutHandlerTest {

  @Inject AwsPipeline pipeline;

  static String fixture(String name) throws IOException {
    try (InputStream in = FanOutHandlerTest.class.getResourceAsStream("/events/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * Uploads job {@code handler-test-job}: one Python file and its manifest, then posts the S3 event
   * for that manifest and expects the handler to answer COMPLETED.
   */
  static void fanOutOneFileJob(AwsPipeline pipeline) throws IOException {
    given()
        .body(uploadOneFileJob(pipeline, "handler-test-job", Map.of()))
        .post()
        .then()
        .statusCode(200)
        .body("$", contains("COMPLETED"));
  }

  /**
   * Uploads job {@code jobId} (one Python file, its manifest with {@code settings}); returns the S3
   * event for its manifest.
   */
  static String uploadOneFileJob(AwsPipeline pipeline, String jobId, Map<String, String> settings)
      throws IOException {
    String source = "def handler(event):\n    return event\n";
    pipeline.blobs().put("sources/demo/app.py", source.getBytes(StandardCharsets.UTF_8));
    pipeline
        .blobs()
        .put(
            Keys.manifest(jobId),
            new ManifestWriter("demo", "sources/demo/")
                .settings(settings)
                .file("app.py", source.getBytes(StandardCharsets.UTF_8))
                .toBytes());
    return fixture("s3-put-manifest.json")
        .replace("manifests/handler-test-job.json", "manifests/" + jobId + ".json");
  }

  @Test
  void anS3EventForAManifestFansOutItsJob() throws Exception {
    fanOutOneFileJob(pipeline);

    var job = pipeline.jobs().get("handler-test-job").orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.EMBEDDING);
    assertThat(job.counters().total()).isEqualTo(1);
    assertThat(job.counters().batchesRegistered()).isEqualTo(1);
  }

  @Test
  void aKeyOutsideManifestsIsIgnored() throws Exception {
    String event =
        fixture("s3-put-manifest.json")
            .replace("manifests/handler-test-job.json", "sources/demo/app.py");
    given().body(event).post().then().statusCode(200).body("$", contains("IGNORED"));
  }

  @Test
  void anEconomyJobFailsAtOnceWithTheReasonWhenTheProviderHasNoBatchApi() throws Exception {
    given()
        .body(uploadOneFileJob(pipeline, "handler-economy-job", Map.of("mode", "economy")))
        .post()
        .then()
        .statusCode(200);

    var job = pipeline.jobs().get("handler-economy-job").orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.FAILED);
    assertThat(job.state().reason())
        .contains("economy mode needs a provider with a batch API (openai, or bedrock")
        .contains("on-demand");
    assertThat(job.counters().batchesProcessed()).isZero();
  }
}
