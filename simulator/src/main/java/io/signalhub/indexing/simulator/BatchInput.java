package io.signalhub.indexing.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A batch's input file as validation reads it: its embeddings requests, or why the batch fails
 * validation (over the per-file limits, a line that is not JSON or not an embeddings request, a
 * {@code custom_id} used twice, two models, an empty file).
 *
 * @param lines the requests, in file order; when validation failed, those read before the error (a
 *     failed batch's {@code request_counts.total} counts them)
 * @param errors what validation found; empty for a valid file
 */
record BatchInput(List<Line> lines, List<String> errors) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One request line of an input file. */
  record Line(String customId, String model, String input, int dimensions) {}

  boolean valid() {
    return errors.isEmpty();
  }

  static BatchInput read(byte[] input, SimulatorSettings settings) {
    if (input.length > settings.maxBatchFileBytes()) {
      return failed(
          List.of(),
          "The input file is "
              + input.length
              + " bytes, over the limit of "
              + settings.maxBatchFileBytes()
              + " bytes per batch");
    }
    String[] rows = new String(input, StandardCharsets.UTF_8).split("\n");
    Set<String> customIds = new HashSet<>();
    List<Line> lines = new ArrayList<>();
    String model = null;
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].isBlank()) {
        continue;
      }
      String at = "line " + (i + 1);
      JsonNode row;
      try {
        row = JSON.readTree(rows[i]);
      } catch (IOException e) {
        return failed(lines, at + " is not valid JSON");
      }
      String customId = row.path("custom_id").asText("");
      JsonNode requestBody = row.path("body");
      String lineModel = requestBody.path("model").asText("");
      if (customId.isEmpty() || !customIds.add(customId)) {
        return failed(lines, at + ": custom_id missing or not unique");
      } else if (!"POST".equals(row.path("method").asText())
          || !"/v1/embeddings".equals(row.path("url").asText())) {
        return failed(lines, at + ": url must be /v1/embeddings, method POST");
      } else if (!settings.models().contains(lineModel)
          || (model != null && !model.equals(lineModel))) {
        return failed(lines, at + ": model '" + lineModel + "' not allowed");
      } else if (!requestBody.path("input").isTextual()) {
        return failed(lines, at + ": input must be one string");
      }
      model = lineModel;
      lines.add(
          new Line(
              customId,
              lineModel,
              requestBody.path("input").asText(),
              requestBody.path("dimensions").asInt(settings.dimensions())));
    }
    if (lines.size() > settings.maxBatchRequests()) {
      return failed(
          lines,
          "The batch input file holds "
              + lines.size()
              + " requests, over the limit of "
              + settings.maxBatchRequests()
              + " per batch");
    }
    return lines.isEmpty()
        ? failed(lines, "The batch input file is empty")
        : new BatchInput(lines, List.of());
  }

  private static BatchInput failed(List<Line> readSoFar, String error) {
    return new BatchInput(readSoFar, List.of(error));
  }
}
