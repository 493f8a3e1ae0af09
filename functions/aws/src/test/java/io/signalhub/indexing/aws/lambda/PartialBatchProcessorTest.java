package io.signalhub.indexing.aws.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.signalhub.indexing.core.pipeline.BatchMessage;
import io.signalhub.indexing.core.pipeline.EmbedderService.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PartialBatchProcessorTest {

  private static SQSEvent.SQSMessage record(String id, String body, int receiveCount) {
    SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
    record.setMessageId(id);
    record.setBody(body);
    record.setAttributes(Map.of("ApproximateReceiveCount", Integer.toString(receiveCount)));
    return record;
  }

  /** Message m{seq} carrying batch {seq} of a job, received {@code receiveCount} times. */
  private static SQSEvent.SQSMessage batch(int seq, int receiveCount) {
    return record("m" + seq, new BatchMessage("job", seq, 5, "k" + seq).toJson(), receiveCount);
  }

  private static SQSEvent event(SQSEvent.SQSMessage... records) {
    SQSEvent event = new SQSEvent();
    event.setRecords(List.of(records));
    return event;
  }

  @Test
  void reportsOnlyTheRecordsToRetry() {
    SQSEvent event = event(batch(1, 1), batch(2, 2), batch(3, 1), record("m4", "not json", 1));
    List<Integer> receiveCounts = new ArrayList<>();

    SQSBatchResponse response =
        PartialBatchProcessor.process(
            event,
            (message, receives) -> {
              receiveCounts.add(receives);
              if (message.seq() == 3) {
                throw new IllegalStateException("boom");
              }
              return message.seq() == 2 ? Outcome.RETRY : Outcome.ACCOUNTED;
            });

    assertThat(response.getBatchItemFailures())
        .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
        .containsExactly("m2", "m3");
    assertThat(receiveCounts).containsExactly(1, 2, 1);
  }

  @Test
  void logsAboutABatchCarryItsJobAndNumberAndNothingLeaksToTheNext() {
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();

    PartialBatchProcessor.process(
        event(batch(7, 1), batch(8, 1)),
        2,
        (message, receives) -> {
          seen.add(org.slf4j.MDC.get("jobId") + "#" + org.slf4j.MDC.get("batchSeq"));
          return Outcome.ACCOUNTED;
        });

    assertThat(seen).containsExactlyInAnyOrder("job#7", "job#8");
    assertThat(org.slf4j.MDC.get("jobId")).isNull();
  }

  @Test
  void processesTheRecordsOfOneEventConcurrently() {
    SQSEvent event = event(batch(1, 1), batch(2, 1), batch(3, 1));
    // every handler waits until all three are running: sequential processing would never get there
    CyclicBarrier allRunning = new CyclicBarrier(3);

    SQSBatchResponse response =
        PartialBatchProcessor.process(
            event,
            3,
            (message, receives) -> {
              try {
                allRunning.await(10, TimeUnit.SECONDS);
              } catch (Exception e) {
                throw new IllegalStateException("records were not processed concurrently", e);
              }
              return message.seq() == 2 ? Outcome.RETRY : Outcome.ACCOUNTED;
            });

    assertThat(response.getBatchItemFailures())
        .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
        .containsExactly("m2");
  }
}
