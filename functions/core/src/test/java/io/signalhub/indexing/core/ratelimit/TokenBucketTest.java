package io.signalhub.indexing.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

  @Test
  void refillsContinuouslyAtThePerMinuteRate() {
    TokenBucket bucket = new TokenBucket(600, 0);
    bucket.take(600, 0);
    assertThat(bucket.millisUntilAvailable(10, 0)).isEqualTo(1000);
    assertThat(bucket.millisUntilAvailable(10, 500)).isEqualTo(500);
    assertThat(bucket.available(1000)).isEqualTo(10);
    assertThat(bucket.available(10 * 60_000)).isEqualTo(600);
  }

  @Test
  void anAmountAboveCapacityWaitsForAFullBucketOnly() {
    TokenBucket bucket = new TokenBucket(100, 0);
    assertThat(bucket.millisUntilAvailable(1000, 0)).isZero();
    bucket.take(1000, 0);
    assertThat(bucket.millisUntilAvailable(1000, 0)).isEqualTo(60_000);
  }

  @Test
  void giveBackReturnsWhatWasTakenButNeverAboveCapacity() {
    TokenBucket bucket = new TokenBucket(100, 0);
    bucket.take(80, 0);
    bucket.giveBack(80, 0);
    assertThat(bucket.available(0)).isEqualTo(100);
    bucket.giveBack(50, 0);
    assertThat(bucket.available(0)).isEqualTo(100);
  }

  @Test
  void drainEmptiesWhateverWasCounted() {
    TokenBucket bucket = new TokenBucket(100, 0);
    bucket.drain(0);
    assertThat(bucket.available(0)).isZero();
  }

  @Test
  void aClientBudgetSpendsNinetyEightPercentOfTheProvidersLimit() {
    assertThat(RateBudget.spendable(1_000_000)).isEqualTo(980_000);
    assertThat(RateBudget.spendable(3_000)).isEqualTo(2_940);
    assertThat(RateBudget.spendable(1)).isEqualTo(1);
    assertThat(RateBudget.spendable(0)).isEqualTo(Long.MAX_VALUE / 4);
  }
}
