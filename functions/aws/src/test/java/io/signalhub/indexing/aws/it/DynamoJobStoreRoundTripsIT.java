package io.signalhub.indexing.aws.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalhub.indexing.aws.dynamodb.DynamoJobStore;
import io.signalhub.indexing.aws.dynamodb.DynamoTables;
import io.signalhub.indexing.core.job.BatchResult;
import io.signalhub.indexing.core.job.JobStatus;
import io.signalhub.indexing.core.job.JobStore;
import io.signalhub.indexing.core.pipeline.BatchAccounting;
import io.signalhub.indexing.core.pipeline.BatchMessage;
import io.signalhub.indexing.core.pipeline.EmbedderService;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What accounting a batch costs in DynamoDB round trips, counted on DynamoDB Local: every batch of
 * a job pays them, so they bound the pipeline's own throughput (docs/benchmarks.md, overhead).
 */
class DynamoJobStoreRoundTripsIT {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final ConcurrentLinkedQueue<String> calls = new ConcurrentLinkedQueue<>();
  private final DynamoDbClient dynamo = EmbeddedClients.dynamo(new Counting());

  /** Records the name of every DynamoDB operation the store calls. */
  private final class Counting implements ExecutionInterceptor {
    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      calls.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
    }
  }

  @Test
  void aBatchThatLeavesOthersPendingTriesNoFinishingWriteAndTheLastOneFinishesTheJob() {
    String table = EmbeddedClients.unique("jobs");
    DynamoTables.createAll(dynamo, table, table + "-cache", table + "-rate");
    DynamoJobStore store = new DynamoJobStore(dynamo, table);
    TwoBatchJob.register(store, T0);
    BatchResult two = new BatchResult(2, 0, 0, 1, 20, 0, 0, List.of());

    calls.clear();
    assertThat(
            new BatchAccounting(store, Clock.fixed(T0.plusSeconds(1), ZoneOffset.UTC))
                .account(new BatchMessage("job", 0, 2, "payload"), two, T0, null))
        .isEqualTo(EmbedderService.Outcome.ACCOUNTED);
    // one transaction counts the batch, its minute and its throughput sample (no write of its
    // own for the sample); finishing is one consistent read, not two conditional writes that fail
    assertThat(calls).containsExactly("TransactWriteItems", "GetItem");
    assertThat(store.throughputSince("job", T0))
        .containsExactly(new JobStore.ThroughputSample(T0, 2));

    store.recordBatch("job", 1, two, T0.plusSeconds(2));
    assertThat(store.tryFinish("job", T0.plusSeconds(2))).contains(JobStatus.COMPLETED);
    assertThat(store.get("job").orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
  }
}
