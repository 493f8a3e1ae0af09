package io.signalhub.indexing.local.runtime;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.aws.lambda.FanOutFailureLogic;
import io.signalhub.indexing.aws.lambda.ManifestUploads;
import io.signalhub.indexing.core.pipeline.FanOutService;
import io.signalhub.indexing.core.pipeline.Keys;
import io.signalhub.indexing.core.pipeline.PipelineSettings;
import io.signalhub.indexing.local.runtime.LocalRuntime.FanOutFunction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How the local stack invokes the fan-out as Lambda would: asynchronously on an S3 event (retried,
 * then sent to the on-failure destination), from the continuation queue, and on a restart's
 * recovery; one invocation at a time on a daemon thread, each limited to 15 minutes.
 */
final class FanOutInvocations implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(FanOutInvocations.class.getName());

  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "fan-out");
            thread.setDaemon(true);
            return thread;
          });
  private final AtomicReference<AwsPipeline> pipeline = new AtomicReference<>();
  private final AtomicReference<FanOutService> service = new AtomicReference<>();
  private final FanOutFunction fanOut;
  private final Duration asyncRetryDelay;

  /**
   * @param fanOutWrapper what the invocations run instead of the fan-out (a test may make it crash)
   * @param asyncRetryDelay the first retry's delay after a failed S3-triggered invocation
   */
  FanOutInvocations(UnaryOperator<FanOutFunction> fanOutWrapper, Duration asyncRetryDelay) {
    this.fanOut = fanOutWrapper.apply(this::invokeFanOut);
    this.asyncRetryDelay = asyncRetryDelay;
  }

  /** The pipeline and fan-out the invocations use, once started. */
  void attach(AwsPipeline pipeline, FanOutService service) {
    this.pipeline.set(pipeline);
    this.service.set(service);
  }

  /** An S3 notification's event: invoked asynchronously. */
  void onS3Event(String s3Event) {
    executor.submit(() -> invokeAsync(s3Event, 1));
  }

  /** A job a restart found unfinished, resumed in the background. */
  void resumeLater(String manifestKey) {
    executor.submit(() -> resume(manifestKey));
  }

  /**
   * A fan-out invocation: 15 minutes, like the Lambda; a continuation is queued if that runs out.
   */
  private void invokeFanOut(List<String> keys) {
    AwsPipeline pipeline = this.pipeline.get();
    List<String> manifests = keys.stream().filter(key -> key.startsWith(Keys.MANIFESTS)).toList();
    ManifestUploads.fanOut(
        manifests,
        service.get(),
        Instant.now().plus(Duration.ofMinutes(15)),
        key -> {
          String url = pipeline.queueUrl(pipeline.settings().continuationQueue());
          pipeline.sqs().sendMessage(r -> r.queueUrl(url).messageBody(key));
        });
  }

  /**
   * The S3-triggered invocation is asynchronous: Lambda retries a failed one, then hands the event
   * and the error to the on-failure destination, the fan-out failure queue.
   */
  private void invokeAsync(String s3Event, int attempt) {
    AwsPipeline pipeline = this.pipeline.get();
    try {
      fanOut.invoke(ManifestUploads.keysFromJson(s3Event));
    } catch (RuntimeException e) {
      PipelineSettings settings = pipeline.settings();
      if (attempt < settings.fanOutAttempts()) {
        Duration delay = asyncRetryDelay.multipliedBy(1L << (attempt - 1));
        LOG.log(Level.WARNING, "Fan-out failed (attempt " + attempt + "); retry in " + delay, e);
        executor.schedule(
            () -> invokeAsync(s3Event, attempt + 1), delay.toMillis(), TimeUnit.MILLISECONDS);
        return;
      }
      LOG.log(Level.WARNING, "Fan-out failed on all " + attempt + " attempts", e);
      String url = pipeline.queueUrl(settings.fanOutFailureQueue());
      String record =
          FanOutFailureLogic.destinationRecord(
              s3Event,
              "arn:aws:lambda:us-east-1:000000000000:function:fanout:live",
              attempt,
              e,
              Instant.now());
      pipeline.sqs().sendMessage(r -> r.queueUrl(url).messageBody(record));
    }
  }

  /**
   * The continuation queue's event source: a continuation that fails is received again, and after
   * {@code fanOutAttempts} receives SQS moves it to the fan-out failure queue.
   */
  SQSBatchResponse invokeContinuations(SQSEvent event) {
    List<SQSBatchResponse.BatchItemFailure> failed = new ArrayList<>();
    for (SQSEvent.SQSMessage record : event.getRecords()) {
      try {
        fanOut.invoke(List.of(record.getBody()));
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Fan-out continuation of " + record.getBody() + " failed", e);
        failed.add(new SQSBatchResponse.BatchItemFailure(record.getMessageId()));
      }
    }
    return new SQSBatchResponse(failed);
  }

  /** A job a restart found unfinished (the local stack's own recovery, not Lambda's). */
  private void resume(String manifestKey) {
    try {
      fanOut.invoke(List.of(manifestKey));
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Resuming the fan-out of " + manifestKey + " failed", e);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
