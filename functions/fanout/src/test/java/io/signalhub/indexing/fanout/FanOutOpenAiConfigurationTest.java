package io.signalhub.indexing.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.aws.it.EmbeddedAwsTestResource;
import io.signalhub.indexing.core.provider.OpenAiModels;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fan-out as {@code provider=openai} deploys it: no key (it reads the secret only when an
 * economy job submits), no endpoint. It chunks and batches an on-demand job for the model without
 * ever building a provider.
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
    FanOutHandlerTest.fanOutOneFileJob(pipeline);

    var job = pipeline.jobs().get("handler-test-job").orElseThrow();
    assertThat(job.spec().provider()).isEqualTo("openai");
    assertThat(job.spec().model()).isEqualTo(OpenAiModels.DEFAULT_MODEL);
    assertThat(job.spec().dimensions()).isEqualTo(1536);
    assertThat(job.counters().total()).isEqualTo(1);
  }
}
