package io.signalhub.indexing.embedder;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.aws.it.EmbeddedAwsTestResource;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStatus;
import io.signalhub.indexing.core.provider.OpenAiCompatibleProvider;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The same function deployed as the DLQ consumer ({@code QUARKUS_LAMBDA_HANDLER=dead-letter}), in
 * the openai configuration: only the embedder is given the key, and the consumer builds no
 * provider.
 */
@QuarkusTest
@TestProfile(DeadLetterHandlerTest.DeadLetterFunction.class)
@QuarkusTestResource(EmbeddedAwsTestResource.class)
class DeadLetterHandlerTest {

  public static class DeadLetterFunction implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "quarkus.lambda.handler", "dead-letter", "SIGNAL_HUB_EMBEDDING_PROVIDER", "openai");
    }
  }

  @Inject AwsPipeline pipeline;

  @Test
  void aDeadLetteredBatchIsCountedFailedOnceAndTheJobFinishes() throws Exception {
    String body =
        EmbedHandlerTest.fanOutOneBatch(
            pipeline, OpenAiCompatibleProvider.profile(null, 0), "dead-letter-job");

    // SQS may deliver the dead letter twice: both are acknowledged, the batch is counted once
    EmbedHandlerTest.deliver(body, 5, 5);

    JobRecord job = pipeline.jobs().get("dead-letter-job").orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.COMPLETED_WITH_FAILURES);
    assertThat(job.counters().failed()).isEqualTo(job.counters().total()).isEqualTo(1);
    assertThat(pipeline.jobs().failureSample("dead-letter-job", 1).get(0).reason())
        .contains("dead-letter queue after 5 receives");
  }
}
