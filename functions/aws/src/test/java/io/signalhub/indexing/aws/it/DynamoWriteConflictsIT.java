package io.signalhub.indexing.aws.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.signalhub.indexing.aws.dynamodb.ConflictRetry;
import io.signalhub.indexing.aws.dynamodb.DynamoJobStore;
import io.signalhub.indexing.aws.dynamodb.DynamoTables;
import io.signalhub.indexing.core.job.BatchResult;
import io.signalhub.indexing.core.job.Cursor;
import io.signalhub.indexing.core.job.GroupRegistration;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStatus;
import io.signalhub.indexing.core.job.RegisteredBatch;
import io.signalhub.indexing.core.retry.BackoffPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;

/**
 * Writes that lose a race to another transaction on the same item. On AWS every embedder of a job
 * counts into the job's item in a transaction, and DynamoDB cancels the loser of a race instead of
 * queueing it; DynamoDB Local serializes transactions and never does. So the client here answers
 * the first sends of an operation with the exception DynamoDB returns for a lost race, before they
 * reach DynamoDB Local, as AWS would.
 */
class DynamoWriteConflictsIT {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final BatchResult TWO = new BatchResult(2, 0, 0, 1, 20, 0, 0, List.of());

  private final ConcurrentLinkedQueue<String> sent = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Duration> waits = new ConcurrentLinkedQueue<>();
  private final AtomicInteger racesToLose = new AtomicInteger();
  private volatile String racedOperation = "TransactWriteItems";

  /** Counts every send and cancels the first {@code racesToLose} of {@code racedOperation}. */
  private final class LosingRaces implements ExecutionInterceptor {
    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
      sent.add(operation);
      if (operation.equals(racedOperation) && racesToLose.getAndDecrement() > 0) {
        throw operation.equals("TransactWriteItems")
            ? TransactionCanceledException.builder()
                .message("Transaction cancelled, please refer cancellation reasons")
                .cancellationReasons(
                    CancellationReason.builder().code("None").build(),
                    CancellationReason.builder()
                        .code("TransactionConflict")
                        .message("Transaction is ongoing for the item")
                        .build())
                .build()
            : TransactionConflictException.builder()
                .message("Transaction is ongoing for the item")
                .build();
      }
    }
  }

  private final DynamoDbClient dynamo =
      DynamoDbClient.builder()
          .region(Region.US_EAST_1)
          .credentialsProvider(
              StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
          .endpointOverride(EmbeddedServices.endpoints().dynamodb().orElseThrow())
          .overrideConfiguration(c -> c.addExecutionInterceptor(new LosingRaces()))
          .build();

  private final DynamoJobStore store =
      new DynamoJobStore(
          dynamo,
          tables(),
          new ConflictRetry(
              4,
              new BackoffPolicy(Duration.ofMillis(10), Duration.ofMillis(500), () -> 1.0),
              waits::add));

  private String tables() {
    String table = EmbeddedClients.unique("jobs");
    DynamoTables.createAll(dynamo, table, table + "-cache", table + "-rate");
    return table;
  }

  /** A job whose fan-out registered two batches of two chunks and is complete. */
  private void twoBatchesRegistered() {
    store.createIfAbsent(JobRecord.pending("job", "manifests/job.json", "fake", "m", 8, T0));
    store.acquireFanoutLease("job", "fan-out", T0, T0.plusSeconds(60));
    store.registerGroup(
        "job",
        new GroupRegistration(
            Cursor.START,
            new Cursor(1, 0),
            List.of(new RegisteredBatch(0, 2), new RegisteredBatch(1, 2)),
            0,
            1,
            Map.of(),
            List.of()),
        T0);
    store.completeFanout("job", T0);
    sent.clear();
  }

  private long completed() {
    return store.get("job").orElseThrow().counters().completed();
  }

  @Test
  void aBatchWhoseTransactionLostRacesIsCountedOnceAfterBackingOff() {
    twoBatchesRegistered();
    racesToLose.set(3);

    assertThat(store.recordBatch("job", 0, TWO, T0.plusSeconds(1))).isTrue();

    assertThat(sent)
        .containsExactly(
            "TransactWriteItems", "TransactWriteItems", "TransactWriteItems", "TransactWriteItems");
    assertThat(waits)
        .containsExactly(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40));
    assertThat(completed()).isEqualTo(2);
  }

  @Test
  void aRaceLostOnEveryAttemptIsThrownSoTheMessageComesBackAndCountsOnceThen() {
    twoBatchesRegistered();
    racesToLose.set(4);

    assertThatThrownBy(() -> store.recordBatch("job", 0, TWO, T0.plusSeconds(1)))
        .isInstanceOf(TransactionCanceledException.class);
    assertThat(sent).hasSize(4);
    assertThat(completed()).isZero();

    // the redelivered message, the races over
    assertThat(store.recordBatch("job", 0, TWO, T0.plusSeconds(2))).isTrue();
    assertThat(store.recordBatch("job", 0, TWO, T0.plusSeconds(3))).isFalse();
    assertThat(completed()).isEqualTo(2);
  }

  @Test
  void aBatchAlreadyCountedIsAnAnswerAtOnceNotARaceToRetry() {
    twoBatchesRegistered();
    store.recordBatch("job", 0, TWO, T0.plusSeconds(1));
    sent.clear();

    assertThat(store.recordBatch("job", 0, TWO, T0.plusSeconds(2))).isFalse();

    assertThat(sent).containsExactly("TransactWriteItems");
    assertThat(waits).isEmpty();
  }

  @Test
  void finishingTheJobWhileAnotherBatchIsBeingCountedRetriesTheSingleWrite() {
    twoBatchesRegistered();
    store.recordBatch("job", 0, TWO, T0.plusSeconds(1));
    store.recordBatch("job", 1, TWO, T0.plusSeconds(2));
    racedOperation = "UpdateItem";
    racesToLose.set(1);

    assertThat(store.tryFinish("job", T0.plusSeconds(2))).contains(JobStatus.COMPLETED);

    assertThat(waits).containsExactly(Duration.ofMillis(10));
    assertThat(store.get("job").orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
  }
}
