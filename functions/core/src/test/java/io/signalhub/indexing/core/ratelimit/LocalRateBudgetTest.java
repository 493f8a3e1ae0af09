package io.signalhub.indexing.core.ratelimit;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** The {@link RateBudget} contract on the process-local budget: one instance per name. */
class LocalRateBudgetTest extends RateBudgetContract {

  private final Map<String, RateBudget> budgets = new HashMap<>();

  @Override
  protected RateBudget budget(
      String name, long requestsPerMinute, long tokensPerMinute, Clock clock) {
    return budgets.computeIfAbsent(
        name, n -> new LocalRateBudget(requestsPerMinute, tokensPerMinute, clock));
  }
}
