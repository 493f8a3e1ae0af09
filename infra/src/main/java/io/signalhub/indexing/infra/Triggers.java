package io.signalhub.indexing.infra;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.EventInvokeConfigOptions;
import software.amazon.awscdk.services.lambda.destinations.SqsDestination;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.s3.EventType;
import software.amazon.awscdk.services.s3.NotificationKeyFilter;
import software.amazon.awscdk.services.s3.notifications.LambdaDestination;

/**
 * What invokes each function's live alias: a manifest's upload the fan-out, and each queue its
 * consumer.
 */
final class Triggers {

  Triggers(StackSettings settings, Functions functions, IndexBucket bucket, Queues queues) {
    Alias fanoutLive = functions.live(functions.fanout);
    // S3 invokes asynchronously: Lambda retries a failed invocation twice, then sends the event
    // and the error to the destination (docs.aws.amazon.com/lambda/latest/dg/invocation-async.html)
    fanoutLive.configureAsyncInvoke(
        EventInvokeConfigOptions.builder()
            .retryAttempts(SignalHubStack.FANOUT_ATTEMPTS - 1)
            .onFailure(new SqsDestination(queues.fanOutFailures))
            .build());
    bucket.bucket.addEventNotification(
        EventType.OBJECT_CREATED,
        new LambdaDestination(fanoutLive),
        NotificationKeyFilter.builder().prefix("manifests/").suffix(".json").build());
    functions
        .live(functions.fanoutContinuation)
        .addEventSource(
            SqsEventSource.Builder.create(queues.continuations)
                .batchSize(1)
                .reportBatchItemFailures(false)
                .build());
    functions
        .live(functions.embedder)
        .addEventSource(
            SqsEventSource.Builder.create(queues.batches)
                .batchSize(settings.embedderBatchSize())
                .maxBatchingWindow(Duration.seconds(settings.batchingWindowSeconds()))
                .maxConcurrency(settings.embedderConcurrency())
                .reportBatchItemFailures(true)
                .build());
    functions
        .live(functions.deadLetterConsumer)
        .addEventSource(
            SqsEventSource.Builder.create(queues.deadLetters)
                .batchSize(10)
                .reportBatchItemFailures(true)
                .build());
    functions
        .live(functions.fanOutFailureConsumer)
        .addEventSource(
            SqsEventSource.Builder.create(queues.fanOutFailures)
                .batchSize(10)
                .reportBatchItemFailures(true)
                .build());
  }
}
