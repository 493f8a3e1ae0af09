package io.signalhub.indexing.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RequestSizerTest {

  private final AtomicLong quotaCap = new AtomicLong(Long.MAX_VALUE);

  private RequestSizer openAi(Duration latencyTarget) {
    return new RequestSizer(ProviderLimits.OPENAI, 0, latencyTarget, quotaCap::get);
  }

  @Test
  void startsAtASixteenthOfTheProvidersLimitAndDoublesWithEachAnswerUpToIt() {
    RequestSizer sizer = openAi(Duration.ofSeconds(60));
    long[] expected = {18_750, 37_500, 75_000, 150_000, 300_000, 300_000};

    for (long tokens : expected) {
      BatchBounds bounds = sizer.next();
      assertThat(bounds.maxTokens()).isEqualTo(tokens);
      assertThat(bounds.maxItems()).isEqualTo(2048);
      assertThat(bounds.maxTokensPerItem()).isEqualTo(8192);
      sizer.answered(bounds.maxTokens(), Duration.ofMillis(50));
    }
  }

  @Test
  void growsFromWhatWasAnsweredNotFromWhatWasAllowed() {
    RequestSizer sizer = openAi(Duration.ofSeconds(60));
    sizer.answered(1_000, Duration.ofMillis(50)); // the tail of an input: a small request

    assertThat(sizer.next().maxTokens()).isEqualTo(18_750); // never shrinks
    sizer.answered(30_000, Duration.ofMillis(50));
    assertThat(sizer.next().maxTokens()).isEqualTo(60_000);
  }

  @Test
  void aRequestCarriesAtMostATenthOfTheQuota() {
    RequestSizer sizer = openAi(Duration.ofSeconds(60));
    for (int i = 0; i < 6; i++) {
      sizer.answered(sizer.next().maxTokens(), Duration.ofMillis(50));
    }
    quotaCap.set(1_176_000); // 98% of a 1,200,000 tokens/min quota, learned from the headers

    assertThat(sizer.next().maxTokens()).isEqualTo(117_600);

    quotaCap.set(39_200); // a 40,000 tokens/min quota: a tenth is less than one full input
    assertThat(sizer.next().maxTokens()).isEqualTo(8_192);

    quotaCap.set(Long.MAX_VALUE);
    assertThat(sizer.next().maxTokens()).isEqualTo(300_000);
  }

  @Test
  void aRequestIsAnsweredWithinTheLatencyTargetAtTheSpeedSeen() {
    RequestSizer sizer = openAi(Duration.ofSeconds(2));
    // 50 ms per request plus 15 ms per 1,000 tokens: the simulator of docs/benchmarks.md
    sizer.answered(100_000, Duration.ofMillis(50 + 1_500)); // 0.0155 ms per token

    assertThat(sizer.next().maxTokens()).isEqualTo((long) (2_000 / 0.0155));

    sizer.answered(100_000, Duration.ofMillis(3_050)); // slower now: 0.0305 ms per token
    double average = 0.3 * 0.0305 + 0.7 * 0.0155;
    assertThat(sizer.next().maxTokens()).isEqualTo((long) (2_000 / average));
  }

  @Test
  void aSlowProviderStillGetsOneFullInputPerRequest() {
    RequestSizer sizer = openAi(Duration.ofMillis(100));
    sizer.answered(1_000, Duration.ofSeconds(10));

    assertThat(sizer.next().maxTokens()).isEqualTo(8_192);
  }

  @Test
  void theConfiguredTokenBudgetAndEachProvidersLimitsBound() {
    RequestSizer budget =
        new RequestSizer(ProviderLimits.OPENAI, 64_000, Duration.ofSeconds(60), quotaCap::get);
    for (int i = 0; i < 4; i++) {
      budget.answered(budget.next().maxTokens(), Duration.ofMillis(10));
    }
    assertThat(budget.next().maxTokens()).isEqualTo(64_000);

    RequestSizer local =
        new RequestSizer(ProviderLimits.LOCAL_MINILM, 0, Duration.ofSeconds(60), quotaCap::get);
    assertThat(local.next())
        .isEqualTo(
            new BatchBounds(64, 8_192 / 16, 128, ProviderLimits.LOCAL_MINILM.maxRequestBytes()));
    for (int i = 0; i < 5; i++) {
      local.answered(local.next().maxTokens(), Duration.ofMillis(10));
    }
    assertThat(local.next().maxTokens()).isEqualTo(8_192);
  }

  @Test
  void refusesALatencyTargetThatIsNotPositive() {
    assertThatThrownBy(() -> openAi(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("latencyTarget must be positive");
  }
}
