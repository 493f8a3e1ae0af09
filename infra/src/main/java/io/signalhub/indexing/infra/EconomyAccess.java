package io.signalhub.indexing.infra;

import static io.signalhub.indexing.infra.Functions.allow;

import java.util.List;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.secretsmanager.Secret;

/**
 * What economy mode adds, for a provider whose batch API the functions use ({@link
 * StackSettings#batchApi()}), whatever the deployment's default mode (a manifest's {@code
 * settings.mode} picks it per job). The fan-out submits an economy job's batches: it reads their
 * payloads back and the provider's key. The embedder polls provider batches through delayed
 * messages on the batch queue and sends expired ones there on demand; the dead-letter consumer
 * sends the batches of a poll that kept failing there too.
 */
final class EconomyAccess {

  EconomyAccess(
      StackSettings settings, Functions functions, IndexBucket bucket, Queues queues, Secret key) {
    if (!settings.batchApi()) {
      return;
    }
    for (Function f : List.of(functions.fanout, functions.fanoutContinuation)) {
      allow(f, List.of("s3:GetObject"), bucket.bucket.arnForObjects("batches/*"));
      if (key != null) {
        allow(f, List.of("secretsmanager:GetSecretValue"), key.getSecretArn());
        f.addEnvironment("SIGNAL_HUB_EMBEDDING_API_KEY_SECRET_ARN", key.getSecretArn());
      }
    }
    allow(functions.embedder, List.of("sqs:SendMessage"), queues.batches.getQueueArn());
    // the embedder's event source already lets it resolve the batch queue's URL; the dead-letter
    // consumer's reads another queue
    allow(
        functions.deadLetterConsumer,
        List.of("sqs:SendMessage", "sqs:GetQueueUrl"),
        queues.batches.getQueueArn());
  }
}
