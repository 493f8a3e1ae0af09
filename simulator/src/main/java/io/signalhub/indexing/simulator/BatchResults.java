package io.signalhub.indexing.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import io.signalhub.indexing.simulator.BatchInput.Line;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * What a settled batch wrote: its output and error files (JSONL, one line per request, matched by
 * {@code custom_id}) and the counts and tokens billed. Served requests the provider rejects go to
 * the error file with its reason; requests an expired or cancelled batch never reached go there
 * too.
 */
record BatchResults(
    String outputFileId, String errorFileId, int completed, int failed, long tokens) {

  private static final Encoding CL100K =
      Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);

  /** No request was served (a batch that failed validation). */
  static final BatchResults NONE = new BatchResults(null, null, 0, 0, 0);

  /**
   * Serves the first {@code done} lines and writes both files into {@code files}.
   *
   * @param status the batch's terminal status: completed, expired or cancelled
   * @param seed fixes the output's order, which OpenAI does not keep
   */
  static BatchResults settle(
      List<Line> lines,
      int done,
      String status,
      long seed,
      SimulatorSettings settings,
      BatchFiles files) {
    List<Line> served = new ArrayList<>(lines.subList(0, done));
    // OpenAI does not keep the input order in the output file: clients match by custom_id
    Collections.shuffle(served, new Random(seed));
    StringBuilder output = new StringBuilder();
    StringBuilder errors = new StringBuilder();
    int completed = 0;
    int failed = 0;
    long tokens = 0;
    for (Line line : served) {
      String refused = null;
      int count = 0;
      if (line.input().isEmpty() || settings.rejectInput().test(line.input())) {
        refused = "Invalid input: the provider rejected it";
      } else if (EmbeddingsEndpoint.quotesSpecialToken(line.input())) {
        refused = "The server had an error while processing your request. Sorry about that!";
      } else {
        count = CL100K.countTokens(line.input());
        if (count > settings.maxTokensPerInput()) {
          refused =
              "This model's maximum context length is "
                  + settings.maxTokensPerInput()
                  + " tokens, however you requested "
                  + count
                  + " tokens";
        }
      }
      if (refused != null) {
        failed++;
        errors.append(errorLine(line, refused, files)).append('\n');
        continue;
      }
      completed++;
      tokens += count;
      output.append(outputLine(line, count, files)).append('\n');
    }
    if (!"completed".equals(status)) {
      String never =
          "expired".equals(status)
              ? "This request could not be executed before the completion window expired."
              : "This request was cancelled before it was executed.";
      for (Line line : lines.subList(done, lines.size())) {
        errors.append(errorLine(line, never, files)).append('\n');
      }
    }
    return new BatchResults(
        files.storeLines(output), files.storeLines(errors), completed, failed, tokens);
  }

  private static ObjectNode row(Line line, int statusCode, BatchFiles files) {
    ObjectNode row = JsonNodeFactory.instance.objectNode().put("id", "batch_req_" + files.nextId());
    row.put("custom_id", line.customId());
    row.putObject("response")
        .put("status_code", statusCode)
        .put("request_id", "req_" + files.nextId());
    return row;
  }

  private static String outputLine(Line line, int tokens, BatchFiles files) {
    ObjectNode row = row(line, 200, files);
    ObjectNode body = ((ObjectNode) row.get("response")).putObject("body").put("object", "list");
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

  private static String errorLine(Line line, String message, BatchFiles files) {
    ObjectNode row = row(line, 400, files);
    ((ObjectNode) row.get("response"))
        .putObject("body")
        .putObject("error")
        .put("message", message)
        .put("type", "invalid_request_error");
    row.putNull("error");
    return row.toString();
  }
}
