package io.signalhub.indexing.bench;

import io.signalhub.indexing.aws.dynamodb.DynamoRateBudget;
import io.signalhub.indexing.core.ratelimit.LocalRateBudget;
import io.signalhub.indexing.core.ratelimit.RateBudget;
import io.signalhub.indexing.local.runtime.LocalRuntime;
import java.time.Clock;
import java.util.Map;

/** 2a. What one take from the DynamoDB budget costs next to the in-process one. */
final class SharedBudgetScenario implements Scenario {

  @Override
  public void run(BenchRun run) throws Exception {
    int takes = run.quick() ? 300 : 2_000;
    try (LocalRuntime stack = SimulatorClients.stack(null, Map.of())) {
      RateBudget shared =
          new DynamoRateBudget(
              stack.pipeline().dynamo(),
              stack.pipeline().settings().rateTable(),
              "overhead",
              Long.MAX_VALUE / 4,
              Long.MAX_VALUE / 4,
              Clock.systemUTC());
      RateBudget local =
          new LocalRateBudget(Long.MAX_VALUE / 4, Long.MAX_VALUE / 4, Clock.systemUTC());
      double sharedMillis = millisPerTake(shared, takes);
      double localMillis = millisPerTake(local, takes);
      run.add(
          Result.row("rate-limit", "shared budget: one take from DynamoDB (Local) vs in process")
              .chunks(takes)
              .seconds(sharedMillis * takes / 1000)
              .chunksPerSecond(1000 / sharedMillis)
              .requests(takes)
              .note(
                  String.format(
                      "%.2f ms per take (one consistent read + one conditional write) vs %.4f ms"
                          + " in process; next to a 50 ms+ provider request",
                      sharedMillis, localMillis))
              .build());
    }
  }

  private static double millisPerTake(RateBudget budget, int takes) {
    for (int i = 0; i < 50; i++) {
      budget.tryTake(1); // warm-up
    }
    long start = System.nanoTime();
    for (int i = 0; i < takes; i++) {
      budget.tryTake(100);
    }
    return (System.nanoTime() - start) / 1e6 / takes;
  }
}
