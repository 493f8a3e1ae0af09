package io.signalhub.indexing.asdeployed;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalhub.indexing.local.deployed.AwsCall;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * provider=local as deployed: the model's weights are put where the template's BucketDeployment
 * puts them ({@code models/} in the bucket), and the embedder zip, which leaves them out, loads
 * them from there.
 */
class LocalModelAsDeployedIT {

  private static AsDeployedRun run;

  @BeforeAll
  static void runAJob() throws Exception {
    run =
        new AsDeployedRun(
            "local", Map.of("provider", "local"), AsDeployedRun.options("local").build());
  }

  @AfterAll
  static void stop() throws Exception {
    if (run != null) {
      run.close();
    }
  }

  @Test
  void aManifestRunsToCompletedWithTheWeightsFromTheBucket() {
    run.assertCompleted();
  }

  @Test
  void everyAwsCallIsAllowedByTheFunctionsOwnRole() {
    run.assertEveryCallAllowed("s3:GetObject", "s3:PutObject", "sqs:SendMessage");
    assertThat(run.stack.recorder().calls())
        .filteredOn(c -> c.resource().contains("/models/"))
        .extracting(AwsCall::function)
        .contains(run.function("Embedder").logicalId());
  }
}
