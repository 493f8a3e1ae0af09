package io.signalhub.indexing.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
 *
 * <p>This class routes and keeps the files and batches; a batch's life is {@link SimulatedBatch}'s,
 * its input's validation {@link BatchInput}'s, its output and error files {@link BatchResults}'.
 */
final class SimulatedBatchApi {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Simulation simulation;
  private final BatchFiles files = new BatchFiles();
  private final Map<String, SimulatedBatch> batches = new ConcurrentHashMap<>();

  SimulatedBatchApi(Simulation simulation) {
    this.simulation = simulation;
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
      byte[] content = files.content(parts[2]);
      return content == null
          ? error(404, "No such File object: " + parts[2])
          : new Reply(200, content, Map.of());
    }
    if (parts.length == 2 && parts[1].equals("batches") && method.equals("POST")) {
      return createBatch(JSON.readTree(body));
    }
    if (parts.length >= 3 && parts[1].equals("batches")) {
      SimulatedBatch batch = batches.get(parts[2]);
      if (batch == null) {
        return error(404, "No batch found with id '" + parts[2] + "'.");
      }
      if (parts.length == 4 && parts[3].equals("cancel") && method.equals("POST")) {
        batch.cancel(simulation.now());
      }
      return Reply.json(200, batch.view(simulation.now()));
    }
    return error(404, "Unknown route " + method + " " + path);
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
    ObjectNode file =
        JSON.createObjectNode()
            .put("id", files.store(content))
            .put("object", "file")
            .put("bytes", content.length)
            .put("filename", form.fileName())
            .put("purpose", "batch");
    return Reply.json(200, file);
  }

  private Reply createBatch(JsonNode request) {
    String fileId = request.path("input_file_id").asText();
    byte[] input = files.content(fileId);
    if (input == null) {
      return error(400, "No such File object: " + fileId);
    }
    if (!"/v1/embeddings".equals(request.path("endpoint").asText())) {
      return error(400, "this simulator serves batches of /v1/embeddings only");
    }
    if (!"24h".equals(request.path("completion_window").asText())) {
      return error(400, "completion_window must be '24h'");
    }
    String id = "batch_" + files.nextId();
    SimulatedBatch batch =
        new SimulatedBatch(
            id,
            fileId,
            BatchInput.read(input, simulation.settings()),
            request.path("metadata"),
            simulation.now(),
            simulation,
            files);
    batches.put(id, batch);
    simulation.stats().batchesCreated.incrementAndGet();
    return Reply.json(200, batch.view(simulation.now()));
  }

  private static Reply error(int status, String message) {
    return Reply.error(status, message, "invalid_request_error", null, Map.of());
  }
}
