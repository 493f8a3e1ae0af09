package io.signalhub.indexing.aws.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalhub.indexing.aws.dynamodb.DynamoJobStore;
import io.signalhub.indexing.aws.dynamodb.DynamoTables;
import io.signalhub.indexing.core.job.BatchResult;
import io.signalhub.indexing.core.job.JobStatus;
import java.time.Instant;
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

    store.recordBatch("job", 0, two, T0.plusSeconds(1));
    calls.clear();
    assertThat(store.tryFinish("job", T0.plusSeconds(1))).isEmpty();
    // one consistent read, not two conditional writes that fail
    assertThat(calls).containsExactly("GetItem");

    store.recordBatch("job", 1, two, T0.plusSeconds(2));
    assertThat(store.tryFinish("job", T0.plusSeconds(2))).contains(JobStatus.COMPLETED);
    assertThat(store.get("job").orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
  }
}
