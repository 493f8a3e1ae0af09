package io.signalhub.indexing.fanout;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.aws.dynamodb.DynamoEconomyStore;
import io.signalhub.indexing.aws.it.EmbeddedAwsTestResource;
import io.signalhub.indexing.aws.it.SimulatorTestResource;
import io.signalhub.indexing.core.economy.EconomyConfig;
import io.signalhub.indexing.core.economy.EconomyService;
import io.signalhub.indexing.core.economy.PollScheduler;
import io.signalhub.indexing.core.economy.Submission;
import io.signalhub.indexing.core.job.JobStatus;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fan-out in the {@code provider=openai} configuration, against the simulator: an economy job's
 * batches are queued to be gathered (one gather message on the batch queue, however often the S3
 * event comes), instead of batches for the on-demand embedders; the gather, delivered twice to an
 * economy service as the embedder runs it, submits them to the provider's Batch API once.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedAwsTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = SimulatorTestResource.class, restrictToAnnotatedClass = true)
class FanOutEconomyTest {

  @Inject AwsPipeline pipeline;

  @Inject EconomyConfig config;

  @Test
  void anEconomyJobIsGatheredAndSubmittedToTheBatchApiOnceEvenWhenItsEventComesTwice()
      throws Exception {
    String event =
        FanOutHandlerTest.uploadOneFileJob(
            pipeline, "fanout-economy-job", Map.of("mode", "economy"));
    long before = SimulatorTestResource.server().stats().batchesCreated();

    for (int delivery = 1; delivery <= 2; delivery++) {
      given().body(event).post().then().statusCode(200);
    }

    var job = pipeline.jobs().get("fanout-economy-job").orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.EMBEDDING);
    assertThat(job.counters().batchesRegistered()).isEqualTo(1);
    // the batch queue carries one gather, and no batch for the on-demand embedders
    List<PollScheduler.PollRequest> gathers =
        bodiesOnTheBatchQueue("fanout-economy-job").stream()
            .map(body -> PollScheduler.PollRequest.parse(body).orElseThrow())
            .toList();
    assertThat(gathers)
        .singleElement()
        .satisfies(g -> assertThat(g.submissionId()).isEqualTo("gather-0-1"));
    assertThat(SimulatorTestResource.server().stats().batchesCreated()).isEqualTo(before);

    EconomyService embedders = pipeline.economy(SimulatorTestResource.batchApi(), config);
    for (int delivery = 1; delivery <= 2; delivery++) {
      embedders.poll(gathers.get(0));
    }

    assertThat(SimulatorTestResource.server().stats().batchesCreated() - before).isEqualTo(1);
    assertThat(SimulatorTestResource.server().stats().served()).isZero();
    List<Submission> submissions =
        new DynamoEconomyStore(pipeline.dynamo(), pipeline.settings().jobsTable())
            .list("fanout-economy-job");
    assertThat(submissions)
        .singleElement()
        .satisfies(s -> assertThat(s.phase()).isEqualTo(Submission.Phase.SUBMITTED));
  }

  /** The messages on the batch queue about {@code jobId} (other tests' may be there too). */
  private List<String> bodiesOnTheBatchQueue(String jobId) {
    String queue = pipeline.queueUrl(pipeline.settings().batchQueue());
    List<String> bodies = new ArrayList<>();
    for (int receive = 0; receive < 5; receive++) {
      pipeline
          .sqs()
          .receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10))
          .messages()
          .stream()
          .filter(m -> m.body().contains("\"" + jobId + "\""))
          .forEach(m -> bodies.add(m.body()));
    }
    return bodies;
  }
}
