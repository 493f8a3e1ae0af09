package io.signalhub.indexing.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * One provider batch. Its state is a function of simulated time since it was created (validating,
 * in_progress with a growing count, finalizing, completed; expired past its window, cancelling then
 * cancelled when asked); the first time a terminal state is seen its results are written, once, and
 * never change after.
 */
final class SimulatedBatch {

  private static final long SECOND = 1_000_000_000L;
  private static final Set<String> TERMINAL = Set.of("completed", "failed", "expired", "cancelled");

  private final String id;
  private final String inputFileId;
  private final BatchInput input;
  private final JsonNode metadata;
  private final long createdAt;
  private final SimulatorSettings settings;
  private final SimulatorStats stats;
  private final BatchFiles files;
  private Long cancelledAt;
  private String settled;
  private BatchResults results = BatchResults.NONE;

  SimulatedBatch(
      String id,
      String inputFileId,
      BatchInput input,
      JsonNode metadata,
      long createdAt,
      Simulation simulation,
      BatchFiles files) {
    this.id = id;
    this.inputFileId = inputFileId;
    this.input = input;
    this.metadata = metadata;
    this.createdAt = createdAt;
    this.settings = simulation.settings();
    this.stats = simulation.stats();
    this.files = files;
  }

  synchronized void cancel(long at) {
    if (cancelledAt == null && settled == null && !TERMINAL.contains(status(at))) {
      cancelledAt = at;
    }
  }

  private long validatedAt() {
    return createdAt + (long) (settings.batchValidatingSeconds() * SECOND);
  }

  private long processedAt() {
    return validatedAt() + (long) (settings.batchInProgressSeconds() * SECOND);
  }

  private long finalizedAt() {
    return processedAt() + (long) (settings.batchFinalizingSeconds() * SECOND);
  }

  private long expiresAt() {
    return createdAt + (long) (settings.batchWindowSeconds() * SECOND);
  }

  /** Requests done by simulated time {@code at}. */
  private int doneBy(long at) {
    int total = input.lines().size();
    if (at <= validatedAt()) {
      return 0;
    }
    if (at >= processedAt()) {
      return total;
    }
    double fraction = (double) (at - validatedAt()) / (processedAt() - validatedAt());
    return (int) Math.floor(total * fraction);
  }

  private String status(long at) {
    if (settled != null) {
      return settled;
    }
    if (!input.valid()) {
      return at < validatedAt() ? "validating" : "failed";
    }
    if (cancelledAt != null) {
      return at < cancelledAt + SECOND ? "cancelling" : "cancelled";
    }
    if (at >= expiresAt() && expiresAt() < finalizedAt()) {
      // not finished within its completion window
      return "expired";
    }
    if (at < validatedAt()) {
      return "validating";
    }
    if (at < processedAt()) {
      return "in_progress";
    }
    return at < finalizedAt() ? "finalizing" : "completed";
  }

  /** The batch object of {@code GET /v1/batches/{id}} as of simulated time {@code at}. */
  synchronized ObjectNode view(long at) {
    String status = status(at);
    if (settled == null && TERMINAL.contains(status)) {
      settle(status);
    }
    ObjectNode node =
        JsonNodeFactory.instance
            .objectNode()
            .put("id", id)
            .put("object", "batch")
            .put("endpoint", "/v1/embeddings")
            .put("input_file_id", inputFileId)
            .put("completion_window", "24h")
            .put("status", status)
            .put("created_at", createdAt / SECOND)
            .put("output_file_id", results.outputFileId())
            .put("error_file_id", results.errorFileId());
    if (!input.valid() && TERMINAL.contains(status)) {
      ArrayNode data = node.putObject("errors").put("object", "list").putArray("data");
      input
          .errors()
          .forEach(
              message -> data.addObject().put("code", "invalid_batch").put("message", message));
    } else {
      node.putNull("errors");
    }
    ObjectNode counts = node.putObject("request_counts").put("total", input.lines().size());
    if (settled != null) {
      counts.put("completed", results.completed()).put("failed", results.failed());
    } else {
      counts.put("completed", doneBy(at)).put("failed", 0);
    }
    if (metadata != null && metadata.isObject()) {
      node.set("metadata", metadata);
    }
    return node;
  }

  /** Serves the requests done by now, once: the output and error files and the bill. */
  private void settle(String status) {
    settled = status;
    if (!input.valid()) {
      return;
    }
    int done =
        switch (status) {
          case "completed" -> input.lines().size();
          case "expired" -> doneBy(expiresAt());
          case "cancelled" -> doneBy(cancelledAt);
          default -> 0;
        };
    results = BatchResults.settle(input.lines(), done, status, id.hashCode(), settings, files);
    stats.batchInputs.addAndGet(results.completed());
    stats.batchTokens.addAndGet(results.tokens());
  }
}
