package io.signalhub.indexing.fanout;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.aws.it.EmbeddedAwsTestResource;
import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.core.pipeline.Keys;
import io.signalhub.indexing.core.provider.OpenAiCompatibleProvider;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fan-out as {@code provider=openai} deploys it: no key (only the embedder reads the secret),
 * no endpoint. It chunks and batches for the model without ever building a provider.
 */
@QuarkusTest
@TestProfile(FanOutOpenAiConfigurationTest.OpenAiWithoutKey.class)
@QuarkusTestResource(EmbeddedAwsTestResource.class)
class FanOutOpenAiConfigurationTest {

  public static class OpenAiWithoutKey implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("SIGNAL_HUB_EMBEDDING_PROVIDER", "openai");
    }
  }

  @Inject AwsPipeline pipeline;

  @Test
  void fansOutForTheOpenAiModelWithoutAKey() throws Exception {
    String source = "def handler(event):\n    return event\n";
    pipeline.blobs().put("sources/demo/app.py", source.getBytes(StandardCharsets.UTF_8));
    String manifest =
        "{\"version\":1,\"repository\":\"demo\",\"sources\":{\"prefix\":\"sources/demo/\"},\"files\":[{\"path\":\"app.py\",\"sha256\":\""
            + Chunk.sha256Hex(source.getBytes(StandardCharsets.UTF_8))
            + "\",\"size\":"
            + source.length()
            + "}]}";
    pipeline
        .blobs()
        .put(Keys.manifest("handler-test-job"), manifest.getBytes(StandardCharsets.UTF_8));

    given()
        .body(FanOutHandlerTest.fixture("s3-put-manifest.json"))
        .post()
        .then()
        .statusCode(200)
        .body("$", contains("COMPLETED"));

    var job = pipeline.jobs().get("handler-test-job").orElseThrow();
    assertThat(job.provider()).isEqualTo("openai");
    assertThat(job.model()).isEqualTo(OpenAiCompatibleProvider.DEFAULT_MODEL);
    assertThat(job.dimensions()).isEqualTo(1536);
    assertThat(job.total()).isEqualTo(1);
  }
}
