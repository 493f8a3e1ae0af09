package io.signalhub.indexing.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.signalhub.indexing.core.provider.ProviderSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LocalStack init hook (localstack/init/ready.d) run for real with the AWS CLI against the
 * embedded services, through an {@code awslocal} shim: the hook Docker users get creates the same
 * resources the pipeline uses. Skipped, saying so, where the AWS CLI is not installed.
 */
class InitHookIT {

  @Test
  void theInitHookCreatesTheBucketQueuesAndTables(@TempDir Path bin) throws Exception {
    assumeTrue(
        onPath("aws"), "the AWS CLI is not installed (pip install awscli); the init hook needs it");
    Path hook = Path.of("../init/ready.d/create-resources.sh").toAbsolutePath().normalize();
    try (LocalRuntime stack =
        LocalRuntime.start(
            LocalRuntime.Ports.ANY,
            null,
            new ProviderSettings("local", null, 0, null, null, null),
            key -> Optional.empty())) {
      Path shim = bin.resolve("awslocal");
      Files.writeString(
          shim,
          """
          #!/usr/bin/env bash
          case "$1" in s3) ep=%s ;; sqs) ep=%s ;; dynamodb) ep=%s ;; esac
          exec aws --endpoint-url "$ep" "$@"
          """
              .formatted(stack.s3Endpoint(), stack.sqsEndpoint(), stack.dynamoEndpoint()));
      shim.toFile().setExecutable(true);
      ProcessBuilder run = new ProcessBuilder("bash", hook.toString()).redirectErrorStream(true);
      Map<String, String> env = run.environment();
      env.put("PATH", bin + ":" + System.getenv("PATH"));
      env.putAll(
          Map.of(
              "AWS_ACCESS_KEY_ID",
              "test",
              "AWS_SECRET_ACCESS_KEY",
              "test",
              "AWS_DEFAULT_REGION",
              "us-east-1",
              "SIGNAL_HUB_BUCKET",
              "hook-bucket",
              "SIGNAL_HUB_JOBS_TABLE",
              "hook-jobs",
              "SIGNAL_HUB_CACHE_TABLE",
              "hook-cache",
              "SIGNAL_HUB_RATE_TABLE",
              "hook-rate",
              "SIGNAL_HUB_BATCH_QUEUE",
              "hook-batches",
              "SIGNAL_HUB_DEAD_LETTER_QUEUE",
              "hook-dlq",
              "SIGNAL_HUB_CONTINUATION_QUEUE",
              "hook-continuations"));
      Process process = run.start();
      String output = new String(process.getInputStream().readAllBytes());
      assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as(output).isZero();

      var pipeline = stack.pipeline();
      pipeline.s3().headBucket(r -> r.bucket("hook-bucket"));
      assertThat(
              pipeline
                  .dynamo()
                  .describeTable(r -> r.tableName("hook-jobs"))
                  .table()
                  .globalSecondaryIndexes()
                  .get(0)
                  .indexName())
          .isEqualTo("byCreated");
      String batches = pipeline.queueUrl("hook-batches");
      assertThat(
              pipeline
                  .sqs()
                  .getQueueAttributes(
                      r -> r.queueUrl(batches).attributeNamesWithStrings("RedrivePolicy"))
                  .attributesAsStrings()
                  .get("RedrivePolicy"))
          .contains("hook-dlq")
          .contains("maxReceiveCount");
    }
  }

  private static boolean onPath(String command) {
    try {
      return new ProcessBuilder("which", command).start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
