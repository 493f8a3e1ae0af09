package io.signalhub.indexing.aws.lambda;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalhub.indexing.core.pipeline.FanOutFailureService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The fan-out failure queue holds two kinds of message, both for fan-outs that failed on every
 * attempt:
 *
 * <ul>
 *   <li>Lambda's on-failure destination record for the S3-triggered (asynchronous) invocation: the
 *       S3 event as {@code requestPayload}, the error as {@code responsePayload}
 *       (docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html);
 *   <li>a continuation the continuation queue moved to its dead-letter queue: the manifest key, as
 *       it was sent.
 * </ul>
 *
 * Each ends its job through {@link FanOutFailureService}; a message that could not be handled is
 * reported for redelivery.
 */
public final class FanOutFailureLogic {

  private static final Logger LOG = Logger.getLogger(FanOutFailureLogic.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  private FanOutFailureLogic() {}

  /** The manifests a failure message names, and what went wrong. */
  public record FailedFanOut(List<String> manifestKeys, String reason) {}

  public static SQSBatchResponse process(SQSEvent event, FanOutFailureService service) {
    List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
    for (SQSEvent.SQSMessage record : event.getRecords()) {
      try {
        FailedFanOut failed = parse(record.getBody());
        failed.manifestKeys().forEach(key -> service.fail(key, failed.reason()));
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Message " + record.getMessageId() + " will be redelivered", e);
        failures.add(new SQSBatchResponse.BatchItemFailure(record.getMessageId()));
      }
    }
    return new SQSBatchResponse(failures);
  }

  /** Reads either kind of message. */
  public static FailedFanOut parse(String body) {
    JsonNode root = readTree(body);
    if (root == null || !root.has("requestContext")) {
      return new FailedFanOut(
          List.of(body.trim()),
          "the fan-out continuation failed on every receive; see the FanOutContinuation function's"
              + " log");
    }
    JsonNode context = root.path("requestContext");
    JsonNode error = root.path("responsePayload");
    String what =
        error.hasNonNull("errorMessage")
            ? (error.hasNonNull("errorType") ? error.path("errorType").asText() + ": " : "")
                + error.path("errorMessage").asText()
            : "no error reported";
    String reason =
        "%s after %d attempts: %s"
            .formatted(
                context.path("condition").asText("RetriesExhausted"),
                context.path("approximateInvokeCount").asInt(0),
                what);
    return new FailedFanOut(
        ManifestUploads.keysFromJson(root.path("requestPayload").toString()), reason);
  }

  /**
   * The record Lambda sends to an on-failure destination, for the local runtime to send the same.
   *
   * @param s3Event the invocation's event, as S3 sent it
   */
  public static String destinationRecord(
      String s3Event, String functionArn, int attempts, Throwable error, Instant now) {
    ObjectNode record =
        JSON.createObjectNode().put("version", "1.0").put("timestamp", now.toString());
    record
        .putObject("requestContext")
        .put("requestId", java.util.UUID.randomUUID().toString())
        .put("functionArn", functionArn)
        .put("condition", "RetriesExhausted")
        .put("approximateInvokeCount", attempts);
    record.set("requestPayload", readTree(s3Event));
    record
        .putObject("responseContext")
        .put("statusCode", 200)
        .put("executedVersion", "$LATEST")
        .put("functionError", "Unhandled");
    record
        .putObject("responsePayload")
        .put("errorMessage", String.valueOf(error.getMessage()))
        .put("errorType", error.getClass().getName());
    return record.toString();
  }

  private static JsonNode readTree(String body) {
    if (!body.trim().startsWith("{")) {
      return null;
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException("Not a Lambda destination record: " + body, e);
    }
  }
}
