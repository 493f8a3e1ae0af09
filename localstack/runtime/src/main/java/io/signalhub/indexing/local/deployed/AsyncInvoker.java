package io.signalhub.indexing.local.deployed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Lambda's asynchronous invocation, as S3 notifications use it: retries with the function's {@code
 * AWS::Lambda::EventInvokeConfig} (or Lambda's defaults), then the invocation record to the
 * on-failure destination, or the event dropped.
 */
final class AsyncInvoker implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(AsyncInvoker.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AsDeployedStack stack;
  private final CfnTemplate template;
  private final Duration retryDelay;
  private final List<String> droppedEvents = new CopyOnWriteArrayList<>();
  private final ExecutorService asyncInvocations = Executors.newCachedThreadPool();

  /**
   * @param stack the functions it invokes, by name, and their roles' clients
   * @param retryDelay the wait before the first retry; the n-th retry waits n times as long
   */
  AsyncInvoker(AsDeployedStack stack, CfnTemplate template, Duration retryDelay) {
    this.stack = stack;
    this.template = template;
    this.retryDelay = retryDelay;
  }

  /** Events dropped after their retries, with the reason. */
  List<String> droppedEvents() {
    return List.copyOf(droppedEvents);
  }

  /** S3 invokes notified functions asynchronously: Lambda retries a failure twice. */
  void onS3Event(AsDeployedStack.Notification notification, String eventJson) {
    try {
      JsonNode record = JSON.readTree(eventJson).path("Records").path(0);
      String key =
          java.net.URLDecoder.decode(
              record.path("s3").path("object").path("key").asText(), StandardCharsets.UTF_8);
      if (notification.matches(
          record.path("s3").path("bucket").path("name").asText(),
          record.path("eventName").asText(),
          key)) {
        asyncInvocations.submit(
            () -> invokeAsync(notification.function(), eventJson.getBytes(StandardCharsets.UTF_8)));
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "Unreadable S3 event " + eventJson, e);
    }
  }

  /**
   * A function's asynchronous-invocation settings from its {@code AWS::Lambda::EventInvokeConfig}
   * (Lambda's defaults without one: two retries, no destination).
   *
   * @param onFailure the on-failure destination's ARN (an SQS queue or a function), or null
   */
  record AsyncConfig(int maximumRetryAttempts, String onFailure) {}

  private AsyncConfig asyncConfig(String function) {
    for (String id : template.ofType("AWS::Lambda::EventInvokeConfig")) {
      if (stack.functionNamed(template.property(id, "FunctionName").asText()).equals(function)) {
        String destination =
            template
                .property(id, "DestinationConfig")
                .path("OnFailure")
                .path("Destination")
                .asText(null);
        return new AsyncConfig(template.property(id, "MaximumRetryAttempts").asInt(2), destination);
      }
    }
    return new AsyncConfig(2, null);
  }

  private void invokeAsync(String function, byte[] payload) {
    try {
      AsyncConfig config = asyncConfig(function);
      String last = "";
      int attempts = config.maximumRetryAttempts() + 1;
      for (int attempt = 0; attempt < attempts; attempt++) {
        ExecutionEnvironment.Outcome outcome = stack.environment(function).invoke(payload);
        if (outcome.ok()) {
          return;
        }
        last = outcome.body();
        if (attempt < attempts - 1) {
          Thread.sleep(retryDelay.toMillis() * (attempt + 1));
        }
      }
      if (config.onFailure() != null) {
        sendToDestination(function, config.onFailure(), payload, last, attempts);
        return;
      }
      String dropped =
          function
              + ": asynchronous invocation failed "
              + attempts
              + " times; the event is dropped: "
              + last;
      droppedEvents.add(dropped);
      LOG.warning(dropped);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.log(Level.WARNING, function + ": could not deliver to its on-failure destination", e);
    }
  }

  /**
   * Lambda's invocation record to an on-failure destination
   * (docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
   */
  private void sendToDestination(
      String function, String destination, byte[] payload, String error, int attempts)
      throws IOException, InterruptedException {
    ObjectNode record = JSON.createObjectNode().put("version", "1.0");
    record.put("timestamp", java.time.Instant.now().toString());
    record
        .putObject("requestContext")
        .put("requestId", java.util.UUID.randomUUID().toString())
        .put("functionArn", stack.spec(function).arn() + ":live")
        .put("condition", "RetriesExhausted")
        .put("approximateInvokeCount", attempts);
    record.set("requestPayload", JSON.readTree(payload));
    record
        .putObject("responseContext")
        .put("statusCode", 200)
        .put("executedVersion", "1")
        .put("functionError", "Unhandled");
    try {
      record.set("responsePayload", JSON.readTree(error));
    } catch (IOException e) {
      record.put("responsePayload", error);
    }
    String body = JSON.writeValueAsString(record);
    if (destination.startsWith("arn:aws:sqs:")) {
      // Lambda sends with the function's role (it needs sqs:SendMessage on the destination)
      try (SqsClient sender = stack.signedAs(function)) {
        // the URL from the ARN, as Lambda does: no GetQueueUrl call the role would need
        String url =
            stack.endpoint() + "/" + CfnTemplate.ACCOUNT + "/" + destination.replaceAll(".*:", "");
        sender.sendMessage(r -> r.queueUrl(url).messageBody(body));
      }
    } else {
      String target = stack.functionNamed(destination);
      asyncInvocations.submit(() -> invokeAsync(target, body.getBytes(StandardCharsets.UTF_8)));
    }
    LOG.info(() -> function + ": failed " + attempts + " times; the event went to " + destination);
  }

  @Override
  public void close() {
    asyncInvocations.shutdownNow();
  }
}
