package io.signalhub.indexing.embedder;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.empty;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.aws.it.EmbeddedAwsTestResource;
import io.signalhub.indexing.aws.it.SimulatorTestResource;
import io.signalhub.indexing.core.economy.EconomyService;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStatus;
import io.signalhub.indexing.core.provider.OpenAiCompatibleProvider;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The embedder in the {@code provider=openai} configuration, against the simulator: an economy poll
 * message on the batch queue reaches the function's poller, which reads the finished provider batch
 * with the function's key and counts it, once however often SQS delivers the poll.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedAwsTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = SimulatorTestResource.class, restrictToAnnotatedClass = true)
class EconomyPollTest {

  @Inject AwsPipeline pipeline;

  /** The function's own economy service: its batch API, its store, its poll queue. */
  @Inject EconomyService economy;

  @Test
  void aPollMessageCountsTheFinishedProviderBatchOnceEvenWhenDeliveredTwice() throws Exception {
    String poll =
        EmbedHandlerTest.fanOutOneFile(
            pipeline,
            pipeline.fanOut(OpenAiCompatibleProvider.profile(null, 0), economy),
            "embedder-economy-job",
            Map.of("mode", "economy"));
    assertThat(poll).contains("\"economyPoll\"");

    given()
        .body(EmbedHandlerTest.event(poll, 1))
        .post()
        .then()
        .statusCode(200)
        .body("batchItemFailures", empty());
    given()
        .body(EmbedHandlerTest.event(poll, 2))
        .post()
        .then()
        .statusCode(200)
        .body("batchItemFailures", empty());

    JobRecord job = pipeline.jobs().get("embedder-economy-job").orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(job.counters().completed()).isEqualTo(job.counters().total()).isPositive();
    assertThat(job.counters().batchesProcessed()).isEqualTo(1);
    assertThat(SimulatorTestResource.server().stats().served()).as("bought on demand").isZero();
    assertThat(SimulatorTestResource.server().stats().batchInputs())
        .isEqualTo(job.counters().total());
  }
}
