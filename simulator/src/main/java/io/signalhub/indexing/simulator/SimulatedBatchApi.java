package io.signalhub.indexing.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * OpenAI's Batch API for embeddings, as the simulator serves it: {@code POST /v1/files} (purpose
 * {@code batch}, a JSONL of {@code {custom_id, method, url, body}}), {@code POST /v1/batches},
 * {@code GET /v1/batches/{id}}, {@code POST /v1/batches/{id}/cancel} and {@code GET
 * /v1/files/{id}/content} (platform.openai.com/docs/guides/batch).
 *
 * <p>A batch's state is a function of simulated time since it was created: {@code validating} for
 * {@link SimulatorSettings#batchValidatingSeconds}, {@code in_progress} for {@link
 * SimulatorSettings#batchInProgressSeconds} (its {@code request_counts.completed} growing
 * linearly), {@code finalizing} for {@link SimulatorSettings#batchFinalizingSeconds}, then {@code
 * completed}. A batch still unfinished when its completion window ({@link
 * SimulatorSettings#batchWindowSeconds}, 24 h) closes is {@code expired}, with the requests done by
 * then in its output file. Validation fails a batch whose file breaks the per-file limits (50,000
 * requests, 200 MB) or holds a line that is not an embeddings request. Inputs the simulator rejects
 * ({@link SimulatorSettings#rejectInput}) land in the error file; everything served is billed at
 * half the on-demand price ({@link SimulatorStats#batchTokens()}).
 */
final class SimulatedBatchApi {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Encoding CL100K =
      Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
  private static final long SECOND = 1_000_000_000L;

  private final SimulatorSettings settings;
  private final SimulatorStats stats;
  private final LongSupplier now;
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final Map<String, BatchJob> batches = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  SimulatedBatchApi(SimulatorSettings settings, SimulatorStats stats, LongSupplier now) {
    this.settings = settings;
    this.stats = stats;
    this.now = now;
  }

  /** An answer: status and JSON or JSONL body. */
  record Reply(int status, byte[] body) {
    static Reply json(int status, JsonNode node) {
      return new Reply(status, node.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  static boolean serves(String path) {
    return path.startsWith("/v1/files") || path.startsWith("/v1/batches");
  }

  Reply handle(String method, String path, String contentType, byte[] body) throws IOException {
    String[] parts = path.substring(1).split("/");
    if (parts.length == 2 && parts[1].equals("files") && method.equals("POST")) {
      return uploadFile(contentType, body);
    }
    if (parts.length == 4 && parts[1].equals("files") && parts[3].equals("content")) {
      byte[] content = files.get(parts[2]);
      return content == null
          ? error(404, "No such File object: " + parts[2])
          : new Reply(200, content);
    }
    if (parts.length == 2 && parts[1].equals("batches") && method.equals("POST")) {
      return createBatch(JSON.readTree(body));
    }
    if (parts.length >= 3 && parts[1].equals("batches")) {
      BatchJob batch = batches.get(parts[2]);
      if (batch == null) {
        return error(404, "No batch found with id '" + parts[2] + "'.");
      }
      if (parts.length == 4 && parts[3].equals("cancel") && method.equals("POST")) {
        batch.cancel(now.getAsLong());
      }
      return Reply.json(200, batch.view(now.getAsLong()));
    }
    return error(404, "Unknown route " + method + " " + path);
  }

  /** Number of batches created so far (a test's ground truth for resubmissions). */
  int batchesCreated() {
    return batches.size();
  }

  private Reply uploadFile(String contentType, byte[] body) {
    Multipart form = Multipart.parse(contentType, body);
    if (!"batch".equals(form.fields().get("purpose"))) {
      return error(400, "purpose must be 'batch' for batch input files");
    }
    byte[] content = form.file();
    if (content == null) {
      return error(400, "a 'file' part is required");
    }
    String id = "file-" + ids.incrementAndGet();
    files.put(id, content);
    ObjectNode file =
        JSON.createObjectNode()
            .put("id", id)
            .put("object", "file")
            .put("bytes", content.length)
            .put("filename", form.fileName())
            .put("purpose", "batch");
    return Reply.json(200, file);
  }

  private Reply createBatch(JsonNode request) {
    String fileId = request.path("input_file_id").asText();
    byte[] input = files.get(fileId);
    if (input == null) {
      return error(400, "No such File object: " + fileId);
    }
    if (!"/v1/embeddings".equals(request.path("endpoint").asText())) {
      return error(400, "this simulator serves batches of /v1/embeddings only");
    }
    if (!"24h".equals(request.path("completion_window").asText())) {
      return error(400, "completion_window must be '24h'");
    }
    String id = "batch_" + ids.incrementAndGet();
    BatchJob batch = new BatchJob(id, fileId, input, request.path("metadata"), now.getAsLong());
    batches.put(id, batch);
    stats.batchesCreated.incrementAndGet();
    return Reply.json(200, batch.view(now.getAsLong()));
  }

  private static Reply error(int status, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.putObject("error")
        .put("message", message)
        .put("type", "invalid_request_error")
        .putNull("code");
    return Reply.json(status, body);
  }

  /** One request line of an input file. */
  private record Line(String customId, String model, String input, int dimensions) {}

  /** One provider batch; its state follows from simulated time, its results are fixed once. */
  private final class BatchJob {
    final String id;
    final String inputFileId;
    final byte[] input;
    final JsonNode metadata;
    final long createdAt;
    final List<Line> lines = new ArrayList<>();
    final List<String> validationErrors = new ArrayList<>();
    Long cancelledAt;
    String outputFileId;
    String errorFileId;
    int completedCount;
    int failedCount;
    String settled;

    BatchJob(String id, String inputFileId, byte[] input, JsonNode metadata, long createdAt) {
      this.id = id;
      this.inputFileId = inputFileId;
      this.input = input;
      this.metadata = metadata;
      this.createdAt = createdAt;
      validate();
    }

    private void validate() {
      if (input.length > settings.maxBatchFileBytes()) {
        validationErrors.add(
            "The input file is "
                + input.length
                + " bytes, over the limit of "
                + settings.maxBatchFileBytes()
                + " bytes per batch");
        return;
      }
      String[] rows = new String(input, StandardCharsets.UTF_8).split("\n");
      Set<String> customIds = new HashSet<>();
      String model = null;
      for (int i = 0; i < rows.length && validationErrors.isEmpty(); i++) {
        if (rows[i].isBlank()) {
          continue;
        }
        JsonNode row;
        try {
          row = JSON.readTree(rows[i]);
        } catch (IOException e) {
          validationErrors.add("line " + (i + 1) + " is not valid JSON");
          break;
        }
        String customId = row.path("custom_id").asText("");
        JsonNode requestBody = row.path("body");
        String lineModel = requestBody.path("model").asText("");
        if (customId.isEmpty() || !customIds.add(customId)) {
          validationErrors.add("line " + (i + 1) + ": custom_id missing or not unique");
        } else if (!"POST".equals(row.path("method").asText())
            || !"/v1/embeddings".equals(row.path("url").asText())) {
          validationErrors.add("line " + (i + 1) + ": url must be /v1/embeddings, method POST");
        } else if (!settings.models().contains(lineModel)
            || (model != null && !model.equals(lineModel))) {
          validationErrors.add("line " + (i + 1) + ": model '" + lineModel + "' not allowed");
        } else if (!requestBody.path("input").isTextual()) {
          validationErrors.add("line " + (i + 1) + ": input must be one string");
        } else {
          model = lineModel;
          lines.add(
              new Line(
                  customId,
                  lineModel,
                  requestBody.path("input").asText(),
                  requestBody.path("dimensions").asInt(settings.dimensions())));
        }
      }
      if (validationErrors.isEmpty() && lines.size() > settings.maxBatchRequests()) {
        validationErrors.add(
            "The batch input file holds "
                + lines.size()
                + " requests, over the limit of "
                + settings.maxBatchRequests()
                + " per batch");
      }
      if (validationErrors.isEmpty() && lines.isEmpty()) {
        validationErrors.add("The batch input file is empty");
      }
    }

    synchronized void cancel(long at) {
      if (cancelledAt == null && settled == null && !terminal(status(at))) {
        cancelledAt = at;
      }
    }

    private boolean terminal(String status) {
      return Set.of("completed", "failed", "expired", "cancelled").contains(status);
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
      if (at <= validatedAt()) {
        return 0;
      }
      if (at >= processedAt()) {
        return lines.size();
      }
      double fraction = (double) (at - validatedAt()) / (processedAt() - validatedAt());
      return (int) Math.floor(lines.size() * fraction);
    }

    private String status(long at) {
      if (settled != null) {
        return settled;
      }
      if (!validationErrors.isEmpty()) {
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

    synchronized ObjectNode view(long at) {
      String status = status(at);
      if (settled == null && terminal(status)) {
        settle(status, at);
      }
      ObjectNode node =
          JSON.createObjectNode()
              .put("id", id)
              .put("object", "batch")
              .put("endpoint", "/v1/embeddings")
              .put("input_file_id", inputFileId)
              .put("completion_window", "24h")
              .put("status", status)
              .put("created_at", createdAt / SECOND);
      if (outputFileId != null) {
        node.put("output_file_id", outputFileId);
      } else {
        node.putNull("output_file_id");
      }
      if (errorFileId != null) {
        node.put("error_file_id", errorFileId);
      } else {
        node.putNull("error_file_id");
      }
      if (!validationErrors.isEmpty() && terminal(status)) {
        ArrayNode data = node.putObject("errors").put("object", "list").putArray("data");
        validationErrors.forEach(
            message -> data.addObject().put("code", "invalid_batch").put("message", message));
      } else {
        node.putNull("errors");
      }
      int done = settled != null ? completedCount + failedCount : doneBy(at);
      ObjectNode counts = node.putObject("request_counts").put("total", lines.size());
      if (settled != null) {
        counts.put("completed", completedCount).put("failed", failedCount);
      } else {
        counts.put("completed", done).put("failed", 0);
      }
      if (metadata != null && metadata.isObject()) {
        node.set("metadata", metadata);
      }
      return node;
    }

    /** Serves the requests done by now, once: the output and error files and the bill. */
    private void settle(String status, long at) {
      settled = status;
      if (!validationErrors.isEmpty()) {
        return;
      }
      int done =
          switch (status) {
            case "completed" -> lines.size();
            case "expired" -> doneBy(expiresAt());
            case "cancelled" -> doneBy(cancelledAt);
            default -> 0;
          };
      List<Line> served = new ArrayList<>(lines.subList(0, done));
      // OpenAI does not keep the input order in the output file: clients match by custom_id
      Collections.shuffle(served, new Random(id.hashCode()));
      StringBuilder output = new StringBuilder();
      StringBuilder errors = new StringBuilder();
      long tokens = 0;
      for (Line line : served) {
        if (line.input().isEmpty() || settings.rejectInput().test(line.input())) {
          failedCount++;
          errors.append(errorLine(line, "Invalid input: the provider rejected it")).append('\n');
          continue;
        }
        int count = CL100K.countTokens(line.input());
        if (count > settings.maxTokensPerInput()) {
          failedCount++;
          errors
              .append(
                  errorLine(
                      line,
                      "This model's maximum context length is "
                          + settings.maxTokensPerInput()
                          + " tokens, however you requested "
                          + count
                          + " tokens"))
              .append('\n');
          continue;
        }
        completedCount++;
        tokens += count;
        output.append(outputLine(line, count)).append('\n');
      }
      if (!"completed".equals(status)) {
        for (Line line : lines.subList(done, lines.size())) {
          errors
              .append(
                  errorLine(
                      line,
                      "expired".equals(status)
                          ? "This request could not be executed before the completion window"
                              + " expired."
                          : "This request was cancelled before it was executed."))
              .append('\n');
        }
      }
      if (output.length() > 0) {
        outputFileId = "file-" + ids.incrementAndGet();
        files.put(outputFileId, output.toString().getBytes(StandardCharsets.UTF_8));
      }
      if (errors.length() > 0) {
        errorFileId = "file-" + ids.incrementAndGet();
        files.put(errorFileId, errors.toString().getBytes(StandardCharsets.UTF_8));
      }
      stats.batchInputs.addAndGet(completedCount);
      stats.batchTokens.addAndGet(tokens);
    }

    private String outputLine(Line line, int tokens) {
      ObjectNode row = JSON.createObjectNode().put("id", "batch_req_" + ids.incrementAndGet());
      row.put("custom_id", line.customId());
      ObjectNode response = row.putObject("response").put("status_code", 200);
      response.put("request_id", "req_" + ids.incrementAndGet());
      ObjectNode body = response.putObject("body").put("object", "list");
      ObjectNode vector = body.putArray("data").addObject().put("object", "embedding");
      vector.put("index", 0);
      ArrayNode values = vector.putArray("embedding");
      for (float value : SimulatedEmbeddingServer.vectorFor(line.input(), line.dimensions())) {
        values.add(value);
      }
      body.put("model", line.model());
      body.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
      row.putNull("error");
      return row.toString();
    }

    private String errorLine(Line line, String message) {
      ObjectNode row = JSON.createObjectNode().put("id", "batch_req_" + ids.incrementAndGet());
      row.put("custom_id", line.customId());
      ObjectNode response = row.putObject("response").put("status_code", 400);
      response.put("request_id", "req_" + ids.incrementAndGet());
      response
          .putObject("body")
          .putObject("error")
          .put("message", message)
          .put("type", "invalid_request_error");
      row.putNull("error");
      return row.toString();
    }
  }

  /** The fields and the one file of a multipart/form-data upload. */
  record Multipart(Map<String, String> fields, String fileName, byte[] file) {

    static Multipart parse(String contentType, byte[] body) {
      Map<String, String> fields = new java.util.HashMap<>();
      if (contentType == null || !contentType.contains("boundary=")) {
        return new Multipart(fields, null, null);
      }
      String boundary = contentType.substring(contentType.indexOf("boundary=") + 9);
      if (boundary.startsWith("\"")) {
        boundary = boundary.substring(1, boundary.length() - 1);
      }
      // ISO-8859-1 keeps one char per byte, so offsets map back to the bytes
      String text = new String(body, StandardCharsets.ISO_8859_1);
      String fileName = null;
      byte[] file = null;
      for (String part : text.split("--" + java.util.regex.Pattern.quote(boundary))) {
        int split = part.indexOf("\r\n\r\n");
        if (split < 0) {
          continue;
        }
        String headers = part.substring(0, split);
        String value = part.substring(split + 4);
        if (value.endsWith("\r\n")) {
          value = value.substring(0, value.length() - 2);
        }
        var name = java.util.regex.Pattern.compile("name=\"([^\"]*)\"").matcher(headers);
        if (!name.find()) {
          continue;
        }
        var filename = java.util.regex.Pattern.compile("filename=\"([^\"]*)\"").matcher(headers);
        if (filename.find()) {
          fileName = filename.group(1);
          file = value.getBytes(StandardCharsets.ISO_8859_1);
        } else {
          fields.put(name.group(1), value);
        }
      }
      return new Multipart(fields, fileName, file);
    }
  }
}
