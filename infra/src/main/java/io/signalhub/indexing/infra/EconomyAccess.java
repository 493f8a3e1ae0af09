package io.signalhub.indexing.infra;

import static io.signalhub.indexing.infra.Functions.allow;

import java.util.List;

/**
 * What economy mode adds, for a provider whose batch API the functions use ({@link
 * StackSettings#batchApi()}), whatever the deployment's default mode (a manifest's {@code
 * settings.mode} picks it per job). The fan-out needs nothing more: it only queues gathers on the
 * batch queue, and never reads the key. The embedder gathers, submits and polls provider batches
 * through messages on the batch queue and sends expired ones there on demand; the dead-letter
 * consumer sends the batches of a gather or poll that kept failing there too.
 */
final class EconomyAccess {

  EconomyAccess(StackSettings settings, Functions functions, Queues queues) {
    if (!settings.batchApi()) {
      return;
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
