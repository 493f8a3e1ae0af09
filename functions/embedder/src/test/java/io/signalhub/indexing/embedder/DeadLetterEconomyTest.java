package io.signalhub.indexing.embedder;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.aws.dynamodb.DynamoEconomyStore;
import io.signalhub.indexing.aws.it.EmbeddedAwsTestResource;
import io.signalhub.indexing.aws.it.SimulatorTestResource;
import io.signalhub.indexing.core.economy.EconomyConfig;
import io.signalhub.indexing.core.economy.Submission;
import io.signalhub.indexing.core.pipeline.BatchMessage;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * The DLQ consumer ({@code QUARKUS_LAMBDA_HANDLER=dead-letter}) given an economy poll that failed
 * on every receive: it reads no provider batch (it has no key), and hands the submission's batches
 * to the job's fallback, on demand by default, so the job still ends.
 */
@QuarkusTest
@TestProfile(DeadLetterHandlerTest.DeadLetterFunction.class)
@QuarkusTestResource(value = EmbeddedAwsTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = SimulatorTestResource.class, restrictToAnnotatedClass = true)
class DeadLetterEconomyTest {

  @Inject AwsPipeline pipeline;
  @Inject EconomyConfig config;

  @Test
  void aDeadLetteredPollSendsItsBatchesOnDemandOnce() throws Exception {
    // submitted as an economy fan-out would, with the key this consumer is not given
    var submitter = pipeline.economy(SimulatorTestResource.batchApi(), config);
    String poll =
        EmbedHandlerTest.fanOutEconomyPoll(pipeline, submitter, "dead-letter-economy-job");

    EmbedHandlerTest.deliver(poll, 5, 5);

    String onDemand = EmbedHandlerTest.takeOne(pipeline, "dead-letter-economy-job");
    assertThat(BatchMessage.parse(onDemand).seq()).isZero();
    assertThat(
            new DynamoEconomyStore(pipeline.dynamo(), pipeline.settings().jobsTable())
                .list("dead-letter-economy-job"))
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.phase()).isEqualTo(Submission.Phase.SETTLED);
              assertThat(s.outcome())
                  .startsWith("sent on demand")
                  .contains("reached the dead-letter queue");
            });
  }
}
