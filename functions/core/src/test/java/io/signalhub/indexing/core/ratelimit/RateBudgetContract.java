package io.signalhub.indexing.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalhub.indexing.core.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RateBudget} does, on a clock the test moves: run on the process-local budget
 * ({@code LocalRateBudgetTest}) and on the one shared through DynamoDB ({@code
 * DynamoRateBudgetIT}).
 */
public abstract class RateBudgetContract {

  protected final MutableClock clock = new MutableClock();

  /** This test's budget: every handle it asks for draws from it. */
  private final String name = "budget-" + UUID.randomUUID();

  /**
   * A handle on the budget called {@code name}: each call for the same name draws from the same
   * requests/min and tokens/min (for a shared budget, as another embedder would).
   */
  protected abstract RateBudget budget(
      String name, long requestsPerMinute, long tokensPerMinute, Clock clock);

  private RateBudget budget(long requestsPerMinute, long tokensPerMinute) {
    return budget(name, requestsPerMinute, tokensPerMinute, clock);
  }

  @Test
  void aFullMinuteGoesAtOnceThenRequestsAreSpacedByTheRefill() {
    RateBudget budget = budget(10, 1_000_000);
    for (int i = 0; i < 10; i++) {
      assertThat(budget.tryTake(10)).as("request %d", i).isZero();
    }

    assertThat(budget.tryTake(10)).isEqualTo(Duration.ofSeconds(6));
    clock.advance(Duration.ofSeconds(5));
    assertThat(budget.tryTake(10)).isEqualTo(Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    assertThat(budget.tryTake(10)).isZero();
  }

  @Test
  void aRefusedTakeTakesNothingAndSaysHowLongToWait() {
    RateBudget budget = budget(1_000, 6_000);
    assertThat(budget.tryTake(6_000)).isZero();

    // 3,000 tokens at 100 tokens/s
    assertThat(budget.tryTake(3_000)).isEqualTo(Duration.ofSeconds(30));
    assertThat(budget.tryTake(3_000)).isEqualTo(Duration.ofSeconds(30));
    clock.advance(Duration.ofSeconds(29));
    assertThat(budget.tryTake(3_000)).isEqualTo(Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    assertThat(budget.tryTake(3_000)).isZero();
  }

  @Test
  void aRequestLargerThanTheMinuteWaitsForAFullBucketAndThenGoes() {
    RateBudget budget = budget(1_000, 6_000);
    assertThat(budget.tryTake(6_000)).isZero();

    assertThat(budget.tryTake(9_000)).isEqualTo(Duration.ofSeconds(60));
    clock.advance(Duration.ofSeconds(60));
    assertThat(budget.tryTake(9_000)).isZero();
    assertThat(budget.tryTake(1)).isPositive();
  }

  @Test
  void aRequestGivenBackCanBeTakenAgainAtOnce() {
    RateBudget budget = budget(1, 1_000);
    assertThat(budget.tryTake(1_000)).isZero();
    assertThat(budget.tryTake(1_000)).isPositive();

    budget.giveBack(1_000);

    assertThat(budget.tryTake(1_000)).isZero();
  }

  @Test
  void givingBackNeverFillsTheBudgetBeyondAMinute() {
    RateBudget budget = budget(100, 1_000);
    budget.giveBack(1_000);

    assertThat(budget.tryTake(1_000)).isZero();
    // 1 token at 1,000/min
    assertThat(budget.tryTake(1)).isEqualTo(Duration.ofMillis(60));
  }

  @Test
  void everyHandleDrawsFromTheSameBudget() {
    RateBudget first = budget(2, 1_000_000);
    RateBudget second = budget(2, 1_000_000);

    assertThat(first.tryTake(1)).isZero();
    assertThat(second.tryTake(1)).isZero();

    assertThat(first.tryTake(1)).isEqualTo(Duration.ofSeconds(30));
    assertThat(second.tryTake(1)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void concurrentTakersAreGrantedExactlyTheBudget() throws Exception {
    int requestsPerMinute = 20;
    Duration emptyBudgetWait = Duration.ofMinutes(1).dividedBy(requestsPerMinute);
    int takers = 3;
    List<Callable<Integer>> calls = new ArrayList<>();
    for (int t = 0; t < takers; t++) {
      RateBudget handle = budget(requestsPerMinute, 1_000_000);
      calls.add(
          () -> {
            int granted = 0;
            while (true) {
              Duration wait = handle.tryTake(100);
              if (wait.isZero()) {
                granted++;
              } else if (wait.compareTo(emptyBudgetWait) >= 0) {
                // the clock stands still, so the budget is spent; a shorter answer means "busy
                // (another taker wrote first), ask again"
                return granted;
              }
            }
          });
    }
    ExecutorService pool = Executors.newFixedThreadPool(takers);
    int granted = 0;
    try {
      for (Future<Integer> taker : pool.invokeAll(calls)) {
        granted += taker.get();
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(granted).isEqualTo(requestsPerMinute);
  }
}
