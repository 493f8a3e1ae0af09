package io.signalhub.indexing.local.deployed;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalhub.indexing.aws.local.SqsEventSource;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The template's SQS event source mappings, run as Lambda runs them: a poller per mapping, signed
 * as the function, batches (size, window, maximum concurrency) invoking its environments, and
 * partial batch responses honoured when the mapping reports item failures.
 */
final class EventSourceMappings implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final AsDeployedStack stack;
  private final List<AsDeployedStack.EventSourceMapping> mappings = new ArrayList<>();
  private final List<SqsEventSource> eventSources = new ArrayList<>();
  private final List<SqsClient> pollers = new ArrayList<>();

  private EventSourceMappings(AsDeployedStack stack) {
    this.stack = stack;
  }

  /** Starts a poller for every enabled mapping of {@code template}. */
  static EventSourceMappings start(
      AsDeployedStack stack, CfnTemplate template, int maxEnvironments) {
    EventSourceMappings started = new EventSourceMappings(stack);
    started.startAll(template, maxEnvironments);
    return started;
  }

  private void startAll(CfnTemplate template, int maxEnvironments) {
    for (String id : template.ofType("AWS::Lambda::EventSourceMapping")) {
      if (!template.property(id, "Enabled").asBoolean(true)) {
        continue;
      }
      String function = stack.functionNamed(template.property(id, "FunctionName").asText());
      String queue = template.property(id, "EventSourceArn").asText().replaceAll(".*:", "");
      List<String> types = new ArrayList<>();
      template.property(id, "FunctionResponseTypes").forEach(t -> types.add(t.asText()));
      AsDeployedStack.EventSourceMapping mapping =
          new AsDeployedStack.EventSourceMapping(
              function,
              queue,
              template.property(id, "BatchSize").asInt(10),
              Duration.ofSeconds(template.property(id, "MaximumBatchingWindowInSeconds").asInt(0)),
              template.property(id, "ScalingConfig").path("MaximumConcurrency").asInt(1000),
              types.contains("ReportBatchItemFailures"));
      mappings.add(mapping);
      // Lambda's pollers use the function's role: their calls go through the endpoint that
      // records them, signed as the function (the role needs ReceiveMessage, DeleteMessage, ...)
      SqsClient poller = stack.signedAs(mapping.function());
      pollers.add(poller);
      String url = poller.getQueueUrl(r -> r.queueName(queue)).queueUrl();
      // as Lambda does when it enables a mapping, it reads the queue's attributes
      poller.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.ALL));
      SqsEventSource source =
          new SqsEventSource(
              poller,
              url,
              mapping.batchSize(),
              mapping.batchingWindow(),
              // more pollers than environments would only hold messages invisible
              Math.min(mapping.maximumConcurrency(), maxEnvironments),
              event -> invokeForBatch(mapping, event));
      source.start();
      eventSources.add(source);
    }
  }

  /** The mappings started, in the template's order. */
  List<AsDeployedStack.EventSourceMapping> all() {
    return List.copyOf(mappings);
  }

  /** Lambda's SQS event: the records' JSON, as the poller builds it. */
  private SQSBatchResponse invokeForBatch(
      AsDeployedStack.EventSourceMapping mapping, SQSEvent event) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode records = root.putArray("Records");
    for (SQSEvent.SQSMessage m : event.getRecords()) {
      ObjectNode record = records.addObject();
      record
          .put("messageId", m.getMessageId())
          .put("receiptHandle", m.getReceiptHandle())
          .put("body", m.getBody());
      ObjectNode attributes = record.putObject("attributes");
      m.getAttributes().forEach(attributes::put);
      record.putObject("messageAttributes");
      record.put("md5OfBody", m.getMd5OfBody()).put("eventSource", "aws:sqs");
      record.put("eventSourceARN", m.getEventSourceArn()).put("awsRegion", CfnTemplate.REGION);
    }
    ExecutionEnvironment.Outcome outcome;
    try {
      outcome = stack.environment(mapping.function()).invoke(JSON.writeValueAsBytes(root));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("stopping", e);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    if (!outcome.ok()) {
      throw new IllegalStateException(mapping.function() + " failed: " + outcome.body());
    }
    List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
    if (mapping.reportBatchItemFailures()) {
      try {
        JSON.readTree(outcome.body())
            .path("batchItemFailures")
            .forEach(
                f ->
                    failures.add(
                        new SQSBatchResponse.BatchItemFailure(f.path("itemIdentifier").asText())));
      } catch (IOException e) {
        // Lambda fails the whole batch when the response cannot be read
        throw new IllegalStateException("Unreadable partial batch response: " + outcome.body(), e);
      }
    }
    return new SQSBatchResponse(failures);
  }

  @Override
  public void close() throws InterruptedException {
    for (SqsEventSource source : eventSources) {
      source.close();
    }
    pollers.forEach(SqsClient::close);
  }
}
