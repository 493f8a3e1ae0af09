package io.signalhub.indexing.asdeployed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.signalhub.indexing.core.economy.PollScheduler;
import io.signalhub.indexing.local.deployed.AwsCall;
import io.signalhub.indexing.simulator.SimulatedEmbeddingServer;
import io.signalhub.indexing.simulator.SimulatorSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * provider=openai deployed with {@code -c mode=economy}: the fan-out queues a gather of the job's
 * batches on the batch queue; the embedder (with the key from the stack's secret) submits them to
 * the simulator's Batch API as one provider batch, polls it through delayed messages on the batch
 * queue and counts the results. Then a job of the same files with {@code settings.mode: on-demand}
 * runs on the same stack, for the chunk counts to compare. The local stack adds only the provider's
 * base URL and short poll delays to the template's environment.
 */
class EconomyAsDeployedIT {

  private static final String KEY = "sk-as-deployed-economy";
  private static SimulatedEmbeddingServer simulator;
  private static AsDeployedRun run;
  private static long onDemandRequestsDuringEconomy;
  private static long providerBatchesCreated;
  private static JsonNode onDemand;
  private static JsonNode afterALateDeadLetteredPoll;

  @BeforeAll
  static void runAnEconomyJobThenTheSameOnDemand() throws Exception {
    // each provider batch validates, runs and finalizes in about 12 s: the first polls find it
    // running, and the embedder schedules the next ones
    simulator =
        SimulatedEmbeddingServer.start(
            SimulatorSettings.builder().apiKey(KEY).batchDurations(1, 10, 1).build());
    run =
        new AsDeployedRun(
            "openai-economy",
            Map.of("provider", "openai", "mode", "economy"),
            AsDeployedRun.options("openai-economy")
                .environment(
                    Map.of(
                        "SIGNAL_HUB_EMBEDDING_BASE_URL", simulator.baseUrl().toString(),
                        "SIGNAL_HUB_ECONOMY_POLL_SECONDS", "1",
                        "SIGNAL_HUB_ECONOMY_MAX_POLL_SECONDS", "2"))
                .secrets(Map.of("EmbeddingApiKey", KEY))
                .build());
    afterALateDeadLetteredPoll = deadLetterALatePoll();
    onDemandRequestsDuringEconomy = simulator.stats().served();
    providerBatchesCreated = simulator.stats().batchesCreated();
    // a first full index both times: the economy job's vectors must not serve the second
    emptyTheEmbeddingCache();
    String onDemandJob = "openai-on-demand-job";
    run.upload(onDemandJob, Map.of("mode", "on-demand"));
    onDemand = run.awaitEnd(onDemandJob);
  }

  private static void emptyTheEmbeddingCache() {
    String table =
        run.stack.template().ofType("AWS::DynamoDB::Table").stream()
            .filter(id -> id.startsWith("EmbeddingCache"))
            .map(run.stack.template()::physicalName)
            .findFirst()
            .orElseThrow();
    try (DynamoDbClient dynamo = run.asUser(DynamoDbClient.builder())) {
      dynamo
          .scanPaginator(
              r ->
                  r.tableName(table)
                      .projectionExpression("#k")
                      .expressionAttributeNames(Map.of("#k", "key")))
          .items()
          .forEach(item -> dynamo.deleteItem(r -> r.tableName(table).key(item)));
    }
  }

  /**
   * A poll of the ended job's first submission, on the dead-letter queue (what a poll that kept
   * failing would bring late): the consumer builds its economy service and changes nothing.
   *
   * @return the job's status once it was handled
   */
  private static JsonNode deadLetterALatePoll() throws Exception {
    String consumer = run.function("DeadLetterConsumer").logicalId();
    String queue =
        run.stack.eventSourceMappings().stream()
            .filter(m -> m.function().equals(consumer))
            .findFirst()
            .orElseThrow()
            .queue();
    String submission =
        run.finished.path("economy").path("providerBatches").path(0).path("submission").asText();
    int before = run.stack.invocations(consumer);
    try (SqsClient sqs = run.asUser(SqsClient.builder())) {
      String url = sqs.getQueueUrl(r -> r.queueName(queue)).queueUrl();
      sqs.sendMessage(
          r ->
              r.queueUrl(url)
                  .messageBody(new PollScheduler.PollRequest(run.jobId, submission, 3).toJson()));
    }
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> run.stack.invocations(consumer) > before && run.stack.busy() == 0);
    return run.status(run.jobId);
  }

  @AfterAll
  static void stop() throws Exception {
    AsDeployedRun.closeAll(run, simulator);
  }

  @Test
  void anEconomyJobCompletesThroughTheBatchApiWithTheChunkCountsOfOnDemand() {
    run.assertCompleted();
    JsonNode economy = run.finished;
    assertThat(economy.path("completed").asLong() + economy.path("failed").asLong())
        .isEqualTo(economy.path("total").asLong());
    assertThat(onDemand.path("status").asText()).isEqualTo("COMPLETED");
    for (String field : new String[] {"total", "completed", "failed", "cached"}) {
      assertThat(economy.path(field)).as(field).isEqualTo(onDemand.path(field));
    }
    assertThat(onDemandRequestsDuringEconomy).as("embeddings bought on demand").isZero();
    assertThat(simulator.stats().served()).as("the on-demand job's requests").isPositive();
  }

  @Test
  void eachProviderBatchIsSubmittedOnceAndCounted() {
    JsonNode batches = run.finished.path("economy").path("providerBatches");
    assertThat(batches.size()).as("the job's batches gathered into one provider batch").isOne();
    Set<String> ids = new TreeSet<>();
    List<String> outcomes = new ArrayList<>();
    batches.forEach(
        b -> {
          ids.add(b.path("providerBatchId").asText());
          outcomes.add(b.path("outcome").asText());
        });
    assertThat(ids).hasSize(batches.size());
    assertThat(providerBatchesCreated).isEqualTo(batches.size());
    assertThat(outcomes).containsOnly("counted");
    assertThat(simulator.stats().batchesCreated()).isEqualTo(providerBatchesCreated);
  }

  @Test
  void theEmbedderPollsUntilTheProviderBatchEndsAndALateDeadLetteredPollChangesNothing() {
    String embedder = run.function("Embedder").logicalId();
    assertThat(run.stack.recorder().calls())
        .as("polls the embedder scheduled while the provider batch ran")
        .anyMatch(c -> c.function().equals(embedder) && c.action().equals("sqs:SendMessage"));
    for (String field : new String[] {"status", "total", "completed", "failed"}) {
      assertThat(afterALateDeadLetteredPoll.path(field))
          .as(field)
          .isEqualTo(run.finished.path(field));
    }
    assertThat(afterALateDeadLetteredPoll.path("economy").path("providerBatches"))
        .isEqualTo(run.finished.path("economy").path("providerBatches"));
  }

  @Test
  void everyAwsCallIsAllowedAndOnlyTheFunctionsThatReadTheKeyReadIt() {
    run.assertEveryCallAllowed("secretsmanager:GetSecretValue", "sqs:SendMessage");
    assertThat(run.stack.recorder().calls())
        .filteredOn(c -> c.action().equals("secretsmanager:GetSecretValue"))
        .extracting(AwsCall::function)
        .contains(run.function("Embedder").logicalId())
        // the fan-out gathers with the API's file limits, known without the key, and never submits
        .doesNotContain(
            run.function("FanOut").logicalId(), run.function("DeadLetterConsumer").logicalId());
  }
}
