package io.signalhub.indexing.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BatchBoundsTest {

  @Test
  void theConfiguredBatchSizeNarrowsTheProvidersLimits() {
    BatchBounds bounds = BatchBounds.forProvider(ProviderLimits.OPENAI, 100, 0);
    assertThat(bounds).isEqualTo(new BatchBounds(100, 300_000, 8192, 16L << 20));
  }

  @Test
  void theProviderWinsWhereItIsTighter() {
    assertThat(BatchBounds.forProvider(ProviderLimits.BEDROCK_COHERE, 500, 0).maxItems())
        .isEqualTo(96);
    assertThat(BatchBounds.forProvider(ProviderLimits.BEDROCK_TITAN_V2, 100, 0).maxItems())
        .isEqualTo(1);
    assertThat(BatchBounds.forProvider(ProviderLimits.OPENAI, 0, 1_000_000).maxTokens())
        .isEqualTo(300_000);
  }

  @Test
  void aTokenBudgetBelowThePerInputLimitAlsoBoundsEachInput() {
    assertThat(BatchBounds.forProvider(ProviderLimits.OPENAI, 100, 4000).maxTokensPerItem())
        .isEqualTo(4000);
  }

  @Test
  void anItemThatAloneBreaksALimitIsRefusedWithTheNumbers() {
    Batcher<Integer> batcher = new Batcher<>(new BatchBounds(10, 100, 50, 1000), i -> i, i -> 1);
    assertThatThrownBy(() -> batcher.batches(List.of(10, 60).iterator()).next())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("60 tokens")
        .hasMessageContaining("50 tokens");
  }
}
