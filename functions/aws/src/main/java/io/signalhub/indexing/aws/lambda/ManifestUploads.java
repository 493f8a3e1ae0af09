package io.signalhub.indexing.aws.lambda;

import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalhub.indexing.core.pipeline.FanOutService;
import io.signalhub.indexing.core.pipeline.ShardKey;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.MDC;

/**
 * Manifest uploads as S3 reports them: reads the object keys of an {@code ObjectCreated} event and
 * fans out every manifest it names. Object keys arrive URL-encoded, spaces as '+'
 * (docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html).
 */
public final class ManifestUploads {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ManifestUploads() {}

  /** The decoded object keys of an event's records. */
  public static List<String> keys(S3EventNotification event) {
    List<String> keys = new ArrayList<>();
    for (var record : event.getRecords()) {
      keys.add(decode(record.getS3().getObject().getKey()));
    }
    return keys;
  }

  /** The decoded object keys of an event as S3 sends it (JSON). */
  public static List<String> keysFromJson(String json) {
    try {
      List<String> keys = new ArrayList<>();
      for (JsonNode record : JSON.readTree(json).path("Records")) {
        keys.add(decode(record.path("s3").path("object").path("key").asText()));
      }
      return keys;
    } catch (IOException e) {
      throw new IllegalArgumentException("Not an S3 event: " + json, e);
    }
  }

  private static String decode(String key) {
    return URLDecoder.decode(key, StandardCharsets.UTF_8);
  }

  /**
   * Fans out each key (a manifest, or a continuation naming one shard of its job); what must go on
   * in a fresh invocation is handed to {@code continuation}, which queues it: the key of a fan-out
   * that ran out of time, each shard of a manifest that was sharded.
   */
  public static List<FanOutService.Outcome> fanOut(
      List<String> keys, FanOutService service, Instant deadline, Consumer<String> continuation) {
    List<FanOutService.Outcome> outcomes = new ArrayList<>();
    for (String key : keys) {
      // every log line of this fan-out carries the job id (a field of the JSON log in Lambda)
      String jobId = ShardKey.jobOf(key).orElse(key);
      try (MDC.MDCCloseable job = MDC.putCloseable("jobId", jobId)) {
        FanOutService.Outcome outcome = service.fanOut(key, deadline);
        service.continuations(key, outcome).forEach(continuation);
        outcomes.add(outcome);
      }
    }
    return outcomes;
  }
}
