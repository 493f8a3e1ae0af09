package io.signalhub.indexing.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A Bedrock batch inference job's input file as validation reads it: its records, or why the job
 * fails validation (no readable object, over the file size quota, a line that is not a record, a
 * {@code recordId} used twice, fewer than {@link #MIN_RECORDS} or more than {@link
 * SimulatorSettings#maxBatchRequests} records).
 *
 * @param lines the records in file order; empty when validation failed
 * @param error what validation found, or null for a valid file
 */
record BedrockBatchInput(List<Line> lines, String error) {

  /** Bedrock's "Minimum number of records per batch inference job" quota. */
  static final int MIN_RECORDS = 100;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One record of an input file. */
  record Line(String recordId, JsonNode modelInput) {}

  /**
   * @param input the object's bytes, or null when the service role cannot read it
   */
  static BedrockBatchInput read(byte[] input, SimulatorSettings settings) {
    if (input == null) {
      return failed("The input S3 object does not exist or the service role cannot read it.");
    }
    if (input.length > settings.maxBatchFileBytes()) {
      return failed("The input file is " + input.length + " bytes, over the batch inference quota");
    }
    List<JsonNode> rows;
    try (MappingIterator<JsonNode> records = JSON.readerFor(JsonNode.class).readValues(input)) {
      rows = records.readAll();
    } catch (IOException e) {
      return failed("The input file is not JSON Lines: " + e.getMessage());
    }
    List<Line> lines = new ArrayList<>();
    Set<String> recordIds = new HashSet<>();
    for (int i = 0; i < rows.size(); i++) {
      JsonNode row = rows.get(i);
      String recordId = row.path("recordId").asText("");
      if (!recordId.matches("[a-zA-Z0-9]+") || !recordIds.add(recordId)) {
        return failed("Record " + (i + 1) + ": recordId missing, not alphanumeric or not unique.");
      }
      if (!row.path("modelInput").isObject()) {
        return failed("Record " + (i + 1) + ": modelInput must be an object.");
      }
      lines.add(new Line(recordId, row.path("modelInput")));
    }
    if (lines.size() < MIN_RECORDS) {
      return failed(
          "The job holds "
              + lines.size()
              + " records, below the minimum of "
              + MIN_RECORDS
              + " records per batch inference job.");
    }
    if (lines.size() > settings.maxBatchRequests()) {
      return failed(
          "The input file holds "
              + lines.size()
              + " records, over the quota of "
              + settings.maxBatchRequests()
              + " records per input file.");
    }
    return new BedrockBatchInput(List.copyOf(lines), null);
  }

  private static BedrockBatchInput failed(String error) {
    return new BedrockBatchInput(List.of(), error);
  }
}
