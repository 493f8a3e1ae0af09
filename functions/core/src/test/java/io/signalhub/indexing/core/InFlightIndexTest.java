package io.signalhub.indexing.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalhub.indexing.core.chunk.Chunk;
import org.junit.jupiter.api.Test;

class InFlightIndexTest {

  private final InFlightIndex index = new InFlightIndex();

  private static WorkItem item(long ordinal, String key) {
    return new WorkItem(ordinal, Chunk.of("text " + key), key);
  }

  @Test
  void theFirstOfIdenticalChunksLeadsAndLaterOnesWaitForItsResult() {
    assertThat(index.claim(item(0, "a")).standing()).isEqualTo(InFlightIndex.Standing.LEADS);
    assertThat(index.claim(item(1, "a")).standing()).isEqualTo(InFlightIndex.Standing.WAITS);
    assertThat(index.claim(item(2, "b")).standing()).isEqualTo(InFlightIndex.Standing.LEADS);
    assertThat(index.claim(item(3, "a")).standing()).isEqualTo(InFlightIndex.Standing.WAITS);

    ChunkResult result = new ChunkResult(0, Chunk.of("text a"), new float[] {1f}, null, false);

    assertThat(index.settle("a", result)).extracting(WorkItem::ordinal).containsExactly(1L, 3L);
    assertThat(index.settle("b", result)).isEmpty();
  }

  @Test
  void aChunkAfterItsTwinSettledLeadsAgain() {
    index.claim(item(0, "a"));
    index.settle("a", new ChunkResult(0, Chunk.of("text a"), new float[] {1f}, null, false));

    assertThat(index.claim(item(1, "a")).standing()).isEqualTo(InFlightIndex.Standing.LEADS);
  }
}
