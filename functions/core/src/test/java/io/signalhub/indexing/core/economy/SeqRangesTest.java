package io.signalhub.indexing.core.economy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class SeqRangesTest {

  @Test
  void runsOfConsecutiveBatchesTakeAFewBytesAndReadBackInTheirOrder() {
    long shard = 3_000_000_000_000L; // where a shard's batch numbers start
    List<Long> seqs =
        LongStream.concat(LongStream.range(shard, shard + 50_000), LongStream.of(7, 9, 10))
            .boxed()
            .toList();

    String text = SeqRanges.encode(seqs);

    assertThat(text).isEqualTo("3000000000000-3000000049999,7,9-10");
    assertThat(SeqRanges.decode(text)).isEqualTo(seqs);
  }

  @Test
  void aPlainListAndNothingReadAsTheyWere() {
    assertThat(SeqRanges.decode("4,2,8")).containsExactly(4L, 2L, 8L);
    assertThat(SeqRanges.decode("")).isEmpty();
    assertThat(SeqRanges.encode(List.of())).isEmpty();
  }
}
