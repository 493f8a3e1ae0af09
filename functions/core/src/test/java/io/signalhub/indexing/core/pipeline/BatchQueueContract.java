package io.signalhub.indexing.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link BatchQueue} does: run on the in-memory queue ({@code InMemoryBatchQueueTest})
 * and on SQS ({@code SqsBatchQueueIT}).
 */
public abstract class BatchQueueContract {

  protected BatchQueue queue;

  /** An empty queue. */
  protected abstract BatchQueue newQueue();

  /** Everything sent to the queue from {@link #newQueue()} on, as a consumer receives it. */
  protected abstract List<BatchMessage> received();

  @BeforeEach
  void emptyQueue() {
    queue = newQueue();
  }

  private static List<BatchMessage> messages(String jobId, long firstSeq, int count) {
    return LongStream.range(firstSeq, firstSeq + count)
        .mapToObj(seq -> new BatchMessage(jobId, seq, 100, Keys.batchPayload(jobId, seq)))
        .toList();
  }

  @Test
  void sentMessagesArriveIntact() {
    List<BatchMessage> sent = messages("repo-20261124-190442-9bf7", 0, 10);

    queue.send(sent);

    assertThat(received()).containsExactlyInAnyOrderElementsOf(sent);
  }

  @Test
  void everySendArrives() {
    queue.send(messages("job", 0, 10));
    queue.send(messages("job", 10, 3));
    queue.send(messages("job", 13, 1));

    assertThat(received()).containsExactlyInAnyOrderElementsOf(messages("job", 0, 14));
  }

  @Test
  void messagesOfDifferentJobsWithTheSameNumberTravelTogether() {
    List<BatchMessage> sent =
        List.of(
            new BatchMessage("job-a", 0, 3, Keys.batchPayload("job-a", 0)),
            new BatchMessage("job-b", 0, 5, Keys.batchPayload("job-b", 0)));

    queue.send(sent);

    assertThat(received()).containsExactlyInAnyOrderElementsOf(sent);
  }

  @Test
  void moreThanTenAtOnceIsRefusedAndNothingIsSent() {
    assertThatThrownBy(() -> queue.send(messages("job", 0, 11)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 10");

    assertThat(received()).isEmpty();
  }

  @Test
  void sendingNothingSendsNothing() {
    queue.send(List.of());

    assertThat(received()).isEmpty();
  }
}
