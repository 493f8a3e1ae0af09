package io.signalhub.indexing.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalhub.indexing.core.provider.EmbeddingException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProviderCallerTest {

  private static ProviderCaller.Input input(int tokens) {
    return new ProviderCaller.Input("t" + tokens, tokens);
  }

  @Test
  void cutsABatchIntoConsecutiveRequestsWithinTheCap() {
    var inputs = List.of(input(300), input(300), input(300), input(500), input(100));

    var parts = ProviderCaller.cut(inputs, 700);

    assertThat(parts)
        .extracting(p -> p.stream().mapToInt(ProviderCaller.Input::tokens).sum())
        .containsExactly(600, 300, 600);
    assertThat(parts.stream().flatMap(List::stream).toList()).isEqualTo(inputs);
  }

  @Test
  void anInputAboveTheCapGoesAlone() {
    var parts = ProviderCaller.cut(List.of(input(100), input(900), input(100)), 500);
    assertThat(parts).hasSize(3);
  }

  @Test
  void theCapAfterOpenAisTooLargeIsItsLimitInOurTokens() {
    // OpenAI counted 51,234 for what we counted 50,000: its 40,000 limit is 39,038 of ours
    var e = EmbeddingException.tooLarge(429, "Request too large", 40_000, 51_234, null);
    assertThat(ProviderCaller.capBelow(e, 50_000)).isEqualTo(39_200L * 50_000 / 51_234);
  }

  @Test
  void theCapAfterAzuresMaxSizeIsItsSpendableShare() {
    var e = EmbeddingException.tooLarge(413, "tokens_limits_reached", 64_000, -1, null);
    assertThat(ProviderCaller.capBelow(e, 80_000)).isEqualTo(62_720);
  }

  @Test
  void theCapAfterABare413IsHalfTheRequest() {
    var e = EmbeddingException.tooLarge(413, "Request Entity Too Large", -1, -1, null);
    assertThat(ProviderCaller.capBelow(e, 48_000)).isEqualTo(24_000);
  }

  @Test
  void theCapIsAlwaysBelowTheRefusedRequest() {
    var claimsMore = EmbeddingException.tooLarge(429, "Request too large", 90_000, -1, null);
    assertThat(ProviderCaller.capBelow(claimsMore, 50_000)).isEqualTo(49_999);
  }
}
