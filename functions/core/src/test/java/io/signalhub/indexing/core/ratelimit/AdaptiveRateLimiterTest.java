package io.signalhub.indexing.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalhub.indexing.core.MutableClock;
import io.signalhub.indexing.core.provider.QuotaSnapshot;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class AdaptiveRateLimiterTest {

  private final MutableClock clock = new MutableClock();

  /** A limiter of {@code concurrency} under a per-minute budget, on the test's stopped clock. */
  private AdaptiveRateLimiter limited(
      long requestsPerMinute, long tokensPerMinute, int concurrency) {
    return new AdaptiveRateLimiter(
        new LocalRateBudget(requestsPerMinute, tokensPerMinute, clock),
        concurrency,
        clock,
        clock.sleeper());
  }

  /** A limiter of {@code concurrency} with no budget but what the provider's answers teach. */
  private AdaptiveRateLimiter unlimited(int concurrency) {
    return new AdaptiveRateLimiter(RateBudget.unlimited(), concurrency, clock, clock.sleeper());
  }

  @Test
  void requestsPerMinuteSpaceRequestsOnceTheBurstIsSpent() throws Exception {
    var limiter = limited(60, 1_000_000, 4);
    for (int i = 0; i < 62; i++) {
      limiter.acquire(10).close();
    }
    // 60 go at once (a full bucket), then one per second
    assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
  }

  @Test
  void tokensPerMinuteWaitForTheTokensABatchNeeds() throws Exception {
    var limiter = limited(1000, 6000, 4);
    limiter.acquire(6000).close();
    limiter.acquire(3000).close();
    // 3,000 tokens at 100 tokens/s
    assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(30));
  }

  @Test
  void aThrottleHalvesConcurrencyAndPausesEveryCallerForRetryAfter() throws Exception {
    var limiter = unlimited(8);
    try (var permit = limiter.acquire(1)) {
      permit.throttled(Duration.ofSeconds(5), QuotaSnapshot.UNKNOWN);
    }
    assertThat(limiter.concurrencyLimit()).isEqualTo(4);
    limiter.acquire(1).close();
    assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(5));
  }

  @Test
  void aThrottledRequestGivesItsTokensBackToTheBudget() throws Exception {
    var limiter = limited(1000, 6000, 4);
    try (var permit = limiter.acquire(6000)) {
      permit.throttled(Duration.ofSeconds(1), QuotaSnapshot.UNKNOWN);
    }
    limiter.acquire(6000).close();
    // only the Retry-After pause: the refused 6,000 tokens were not spent, so no 60 s refill wait
    assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(1));
  }

  @Test
  void concurrencyRecoversAdditivelyOnSuccess() throws Exception {
    var limiter = unlimited(8);
    for (int i = 0; i < 3; i++) {
      try (var permit = limiter.acquire(1)) {
        permit.throttled(Duration.ZERO, QuotaSnapshot.UNKNOWN);
      }
    }
    assertThat(limiter.concurrencyLimit()).isEqualTo(1);
    for (int i = 0; i < 10; i++) {
      try (var permit = limiter.acquire(1)) {
        permit.succeeded(QuotaSnapshot.UNKNOWN);
      }
    }
    assertThat(limiter.concurrencyLimit()).isBetween(4, 5);
  }

  @Test
  void exhaustedQuotaHeadersPauseUntilTheReportedReset() throws Exception {
    var limiter = unlimited(2);
    try (var permit = limiter.acquire(1)) {
      permit.succeeded(
          new QuotaSnapshot(10, 0, Duration.ofSeconds(1), Duration.ofMillis(750), -1, -1));
    }
    limiter.acquire(1).close();
    assertThat(clock.sleeps()).containsExactly(Duration.ofMillis(750));
  }

  @Test
  void anExhaustedQuotaWithAKnownLimitWaitsOnlyForTheNextBatchsShare() throws Exception {
    var limiter = unlimited(2);
    try (var permit = limiter.acquire(600)) {
      // 6,000 tokens/min, empty: a full reset is 60 s away, 600 tokens are back in about 6 s
      permit.succeeded(
          new QuotaSnapshot(10, 0, Duration.ofSeconds(1), Duration.ofSeconds(60), 3000, 6000));
    }
    limiter.acquire(600).close();
    // refilled at 98% of 6,000/min: ceil(600 / 98 per second) = 6,123 ms
    assertThat(clock.sleeps()).containsExactly(Duration.ofMillis(6123));
  }

  @Test
  void limitsNobodyConfiguredAreLearnedFromTheHeadersAndInFlightTokensCountedOnce()
      throws Exception {
    var limiter = unlimited(4);
    try (var probe = limiter.acquire(1000)) {
      probe.succeeded(new QuotaSnapshot(100, 5000, null, null, 3000, 6000));
    }
    var second = limiter.acquire(1000);
    var third = limiter.acquire(1000);
    // the provider answers the third: 3,000 left, as it counted the second and the third on arrival
    third.succeeded(new QuotaSnapshot(100, 3000, null, null, 3000, 6000));
    third.close();
    // the second, still in flight, is not taken off those 3,000 a second time: three more go
    for (int i = 0; i < 3; i++) {
      limiter.acquire(1000).close();
    }
    assertThat(clock.sleeps()).isEmpty();
    second.close();
    // the provider saw spending this process did not (another one on the same key): it lowers
    third = limiter.acquire(0);
    third.succeeded(new QuotaSnapshot(100, 0, null, null, 3000, 6000));
    third.close();
    limiter.acquire(1000).close(); // nothing left: 1,000 at 98 per second
    assertThat(clock.sleeps()).containsExactly(Duration.ofMillis(10205));
  }

  /**
   * The regression of learned limits under a binding quota: a provider such as OpenAI counts a
   * request's tokens when it receives it, so the remaining it reports already excludes every
   * request still in flight. Resetting the budget to that remaining minus our in-flight tokens
   * counted them twice: after the first burst of 8 requests of a tenth of the quota (what {@code
   * RequestSizer} sends), the budget owed 7 of them again and every caller slept for seconds while
   * the provider's quota went unused.
   */
  @Test
  void learnedLimitsSpendABindingQuotaWithRequestsOfATenthOfItInFlight() throws Exception {
    long quota = 180_000;
    long request = RateBudget.spendable(quota) / 10;
    var provider = new CountingProvider(quota, request, Duration.ofSeconds(1));
    var limiter = new AdaptiveRateLimiter(RateBudget.unlimited(), 8, clock, provider);
    provider.answerAlone(limiter.acquire(request));
    long end = clock.millis() + 2 * 60_000;
    while (clock.millis() < end) {
      provider.answerDue();
      if (provider.inFlight() >= 8) {
        provider.sleep(Duration.ofMillis(provider.nextDueMillis() - clock.millis()));
        continue;
      }
      provider.send(limiter.acquire(request), end);
    }
    // what two minutes offer: the full bucket the provider starts with and two minutes' refill
    assertThat((double) provider.servedTokens / (3 * quota)).isGreaterThanOrEqualTo(0.95);
    assertThat(provider.throttled).isLessThanOrEqualTo(provider.served / 100);
  }

  /**
   * A provider that, like OpenAI, takes a request's {@code requestTokens} from its per-minute
   * bucket when the request arrives and reports what remains when it answers, {@code latency} (up
   * to 70% more) later; a request its bucket cannot pay for is refused at once with a 429. It is
   * also the limiter's sleeper: while the limiter waits, the requests due in that time are
   * answered.
   */
  private final class CountingProvider implements io.signalhub.indexing.core.retry.Sleeper {
    private final long limit;
    private final long requestTokens;
    private final Duration latency;
    private final TokenBucket bucket;
    private final java.util.ArrayDeque<long[]> dueAt = new java.util.ArrayDeque<>();
    private final java.util.ArrayDeque<RateLimiter.Permit> permits = new java.util.ArrayDeque<>();
    long servedTokens;
    long served;
    long throttled;

    CountingProvider(long tokensPerMinute, long requestTokens, Duration latency) {
      this.limit = tokensPerMinute;
      this.requestTokens = requestTokens;
      this.latency = latency;
      this.bucket = new TokenBucket(tokensPerMinute, clock.millis());
    }

    void answerAlone(RateLimiter.Permit permit) {
      bucket.take(requestTokens, clock.millis());
      servedTokens += requestTokens;
      served++;
      permit.succeeded(snapshot());
      permit.close();
    }

    /** Receives a request now; counts what it serves before {@code until}. */
    void send(RateLimiter.Permit permit, long until) {
      long now = clock.millis();
      if (bucket.millisUntilAvailable(requestTokens, now) > 0) {
        throttled++;
        permit.throttled(Duration.ofSeconds(1), snapshot());
        permit.close();
        return;
      }
      bucket.take(requestTokens, now);
      if (now < until) {
        served++;
        servedTokens += requestTokens;
      }
      // answers come back spread out, the eighth request 70% slower than the first
      dueAt.add(new long[] {now + latency.toMillis() * (10 + served % 8) / 10});
      permits.add(permit);
    }

    int inFlight() {
      return permits.size();
    }

    long nextDueMillis() {
      return dueAt.isEmpty() ? clock.millis() : dueAt.peek()[0];
    }

    void answerDue() {
      while (!dueAt.isEmpty() && dueAt.peek()[0] <= clock.millis()) {
        dueAt.poll();
        RateLimiter.Permit permit = permits.poll();
        permit.succeeded(snapshot());
        permit.close();
      }
    }

    @Override
    public void sleep(Duration duration) {
      long until = clock.millis() + Math.max(1, duration.toMillis());
      while (clock.millis() < until) {
        long step = Math.min(until, Math.max(clock.millis() + 1, nextDueMillis()));
        clock.advance(Duration.ofMillis(step - clock.millis()));
        answerDue();
      }
    }

    private QuotaSnapshot snapshot() {
      return new QuotaSnapshot(10_000, bucket.available(clock.millis()), null, null, 10_000, limit);
    }
  }

  /**
   * A second caller, started; returns once it waits inside {@link AdaptiveRateLimiter#acquire} for
   * a slot, and fails if it got a permit instead. No time limit decides: the caller's own state
   * does.
   */
  private static Thread blockedSecondCaller(AdaptiveRateLimiter limiter, long tokens)
      throws InterruptedException {
    Thread caller =
        new Thread(
            () -> {
              try {
                limiter.acquire(tokens).close();
              } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
              }
            });
    caller.start();
    while (!waitsInAcquire(caller)) {
      assertThat(caller.getState())
          .as("the second caller got a permit")
          .isNotEqualTo(Thread.State.TERMINATED);
      if (Thread.interrupted()) { // the test's timeout: a hang, not a slow machine
        throw new InterruptedException("the second caller never waited for a slot");
      }
      Thread.onSpinWait();
    }
    return caller;
  }

  private static boolean waitsInAcquire(Thread caller) {
    return caller.getState() == Thread.State.WAITING
        && Arrays.stream(caller.getStackTrace())
            .anyMatch(
                frame ->
                    frame.getClassName().equals(AdaptiveRateLimiter.class.getName())
                        && frame.getMethodName().equals("acquire"));
  }

  @Test
  @Timeout(10) // a guard against a hang, not a measure
  void concurrencyLimitBlocksTheCallerBeyondIt() throws Exception {
    var limiter = unlimited(1);
    var first = limiter.acquire(1);
    Thread second = blockedSecondCaller(limiter, 1);

    first.close();

    second.join();
  }

  @Test
  @Timeout(10) // a guard against a hang, not a measure
  void theFirstRequestGoesAloneUntilAnAnswerTeachesTheLimits() throws Exception {
    var limiter = unlimited(4);
    var first = limiter.acquire(1000);
    Thread second = blockedSecondCaller(limiter, 1000);

    first.succeeded(QuotaSnapshot.UNKNOWN);

    second.join(); // admitted while the first is still open: the answer, not the close, let it in
    first.close();
  }

  @Test
  void theRequestCapIsTheConfiguredTokensPerMinuteThenWhatIsLearned() throws Exception {
    var limiter = limited(1000, RateBudget.spendable(40_000), 4);
    assertThat(limiter.maxRequestTokens()).isEqualTo(39_200);

    limiter.capRequestTokens(20_000);
    assertThat(limiter.maxRequestTokens()).isEqualTo(20_000);
    limiter.capRequestTokens(30_000); // caps only go down
    assertThat(limiter.maxRequestTokens()).isEqualTo(20_000);
  }

  @Test
  void aReportedTokensPerMinuteLimitCapsEveryLaterRequest() throws Exception {
    var limiter = unlimited(4);
    assertThat(limiter.maxRequestTokens()).isEqualTo(Long.MAX_VALUE);
    try (var permit = limiter.acquire(100)) {
      permit.succeeded(new QuotaSnapshot(99, 39_900, null, null, 100, 40_000));
    }
    assertThat(limiter.maxRequestTokens()).isEqualTo(39_200);
  }

  @Test
  void requestsInFlightNeverExceedTheRequestsPerMinuteQuota() throws Exception {
    var limiter = limited(3, 1_000_000, 10);
    assertThat(limiter.concurrencyLimit()).isEqualTo(3);
  }

  @Test
  void aRefusedTooLargeRequestGivesItsTokensBackWithoutPausing() throws Exception {
    var limiter = limited(1000, 6000, 4);
    try (var permit = limiter.acquire(6000)) {
      permit.refused(QuotaSnapshot.UNKNOWN);
    }
    limiter.acquire(6000).close();
    assertThat(clock.sleeps()).isEmpty();
    assertThat(limiter.concurrencyLimit()).isEqualTo(4);
  }
}
