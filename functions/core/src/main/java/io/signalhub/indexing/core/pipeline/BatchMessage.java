package io.signalhub.indexing.core.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * The body of one SQS batch message. The chunks themselves are in the payload object (always in S3,
 * so a resumed fan-out resends byte-identical batches and no message nears SQS's size limit).
 *
 * @param jobId the job
 * @param seq the batch's number in the job
 * @param chunks how many chunks the batch holds (what the embedder accounts)
 * @param payloadKey where the chunks are
 */
public record BatchMessage(String jobId, long seq, int chunks, String payloadKey) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public String toJson() {
    return JSON.createObjectNode()
        .put("jobId", jobId)
        .put("seq", seq)
        .put("chunks", chunks)
        .put("payloadKey", payloadKey)
        .toString();
  }

  /**
   * @throws IllegalArgumentException for a body that is not a batch message
   */
  public static BatchMessage parse(String body) {
    try {
      JsonNode node = JSON.readTree(body);
      if (!node.path("jobId").isTextual()
          || !node.path("seq").canConvertToLong()
          || !node.path("payloadKey").isTextual()) {
        throw new IllegalArgumentException("Not a batch message: " + abbreviate(body));
      }
      return new BatchMessage(
          node.get("jobId").asText(),
          node.get("seq").asLong(),
          node.path("chunks").asInt(),
          node.get("payloadKey").asText());
    } catch (IOException e) {
      throw new IllegalArgumentException("Not JSON: " + abbreviate(body), e);
    }
  }

  /** Deduplication id for FIFO-style senders and logs. */
  public String id() {
    return jobId + "-" + seq;
  }

  private static String abbreviate(String text) {
    return text.length() > 200 ? text.substring(0, 200) + "…" : text;
  }
}
