package io.signalhub.indexing.asdeployed;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalhub.indexing.local.deployed.AwsCall;
import io.signalhub.indexing.simulator.SimulatedEmbeddingServer;
import io.signalhub.indexing.simulator.SimulatorSettings;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * provider=openai as deployed: the embedder reads the API key from the stack's secret through
 * Secrets Manager's GetSecretValue at start, and calls the simulator, which refuses any other key.
 * The only thing the local stack adds to the template's environment is the provider's base URL.
 */
class OpenAiAsDeployedIT {

  private static final String KEY = "sk-as-deployed-test";
  private static SimulatedEmbeddingServer simulator;
  private static AsDeployedRun run;

  @BeforeAll
  static void runAJob() throws Exception {
    simulator = SimulatedEmbeddingServer.start(SimulatorSettings.builder().apiKey(KEY).build());
    run =
        new AsDeployedRun(
            "openai",
            Map.of("provider", "openai"),
            AsDeployedRun.options("openai")
                .environment(
                    Map.of("SIGNAL_HUB_EMBEDDING_BASE_URL", simulator.baseUrl().toString()))
                .secrets(Map.of("EmbeddingApiKey", KEY))
                .build());
  }

  @AfterAll
  static void stop() throws Exception {
    AsDeployedRun.closeAll(run, simulator);
  }

  @Test
  void aManifestRunsToCompletedWithTheKeyFromTheSecret() {
    run.assertCompleted();
    assertThat(simulator.stats().served()).isPositive();
    assertThat(run.function("Embedder").environment())
        .containsKey("SIGNAL_HUB_EMBEDDING_API_KEY_SECRET_ARN")
        .doesNotContainKeys("OPENAI_API_KEY", "SIGNAL_HUB_EMBEDDING_API_KEY");
  }

  @Test
  void everyAwsCallIsAllowedByTheFunctionsOwnRole() {
    run.assertEveryCallAllowed("secretsmanager:GetSecretValue", "s3:PutObject", "sqs:SendMessage");
    assertThat(run.stack.recorder().calls())
        .filteredOn(c -> c.action().equals("secretsmanager:GetSecretValue"))
        .extracting(AwsCall::function)
        .containsOnly(run.function("Embedder").logicalId());
  }
}
