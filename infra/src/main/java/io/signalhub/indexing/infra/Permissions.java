package io.signalhub.indexing.infra;

import static io.signalhub.indexing.infra.Functions.allow;

import java.util.List;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.s3.Bucket;

/**
 * What each function may do: only the actions and resources it uses (docs/infrastructure.md). The
 * provider's own grants ({@link ProviderAccess}) come between {@link #pipeline} and {@link
 * #consumersAndStatus}, the order of the statements in the embedder's policy.
 */
final class Permissions {

  private final Functions functions;
  private final Bucket bucket;
  private final Queues queues;
  private final Tables tables;

  Permissions(Functions functions, IndexBucket bucket, Queues queues, Tables tables) {
    this.functions = functions;
    this.bucket = bucket.bucket;
    this.queues = queues;
    this.tables = tables;
  }

  /** The fan-out's, the embedder's and the DLQ consumer's grants on bucket, tables and queues. */
  void pipeline() {
    // fan-out: reads manifests and sources, writes batch payloads and cached vectors, registers
    // jobs
    for (Function f : List.of(functions.fanout, functions.fanoutContinuation)) {
      allow(
          f,
          List.of("s3:GetObject"),
          bucket.arnForObjects("manifests/*"),
          bucket.arnForObjects("sources/*"));
      allow(
          f,
          List.of("s3:PutObject"),
          bucket.arnForObjects("batches/*"),
          bucket.arnForObjects("vectors/*"));
      allow(f, JOB_WRITES, tables.jobs.getTableArn());
      allow(f, List.of("dynamodb:BatchGetItem"), tables.cache.getTableArn());
      allow(
          f,
          List.of("sqs:SendMessage", "sqs:GetQueueUrl"),
          queues.batches.getQueueArn(),
          queues.continuations.getQueueArn());
    }
    // embedder and DLQ consumer: read payloads (and the local model), write vectors, account
    for (Function f : List.of(functions.embedder, functions.deadLetterConsumer)) {
      allow(
          f,
          List.of("s3:GetObject"),
          bucket.arnForObjects("batches/*"),
          bucket.arnForObjects("models/*"));
      allow(f, List.of("s3:PutObject"), bucket.arnForObjects("vectors/*"));
      allow(f, JOB_WRITES, tables.jobs.getTableArn());
      allow(
          f,
          List.of("dynamodb:BatchGetItem", "dynamodb:BatchWriteItem"),
          tables.cache.getTableArn());
      allow(f, List.of("dynamodb:GetItem", "dynamodb:PutItem"), tables.rate.getTableArn());
    }
  }

  /** The fan-out failure consumer's and the status function's grants, and the jobs' queries. */
  void consumersAndStatus() {
    // fan-out failure consumer: creates the job if the fan-out never did, and fails it
    allow(
        functions.fanOutFailureConsumer,
        List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"),
        tables.jobs.getTableArn());
    // status: reads jobs only
    allow(
        functions.status,
        List.of("dynamodb:GetItem", "dynamodb:Query"),
        tables.jobs.getTableArn(),
        tables.jobs.getTableArn() + "/index/" + Tables.JOBS_BY_CREATED);
    for (Function f :
        List.of(
            functions.fanout,
            functions.fanoutContinuation,
            functions.embedder,
            functions.deadLetterConsumer)) {
      allow(f, List.of("dynamodb:Query"), tables.jobs.getTableArn());
    }
  }

  /** What the fan-out and the embedder do to a job's items. */
  private static final List<String> JOB_WRITES =
      List.of(
          "dynamodb:GetItem",
          "dynamodb:PutItem",
          "dynamodb:UpdateItem",
          "dynamodb:ConditionCheckItem");
}
