package io.signalhub.indexing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The summary's text: short, aligned, naming a few skipped paths; its JSON: all of them. */
class IndexSummaryTest {

  private static IndexSummary withSkipped(Map<String, Long> counts, Map<String, String> files) {
    return IndexSummary.of(
        new IndexSummary.Header("j", "COMPLETED", null, "local", "m"),
        1,
        1,
        1,
        null,
        null,
        1,
        counts,
        files,
        List.of());
  }

  @Test
  void theTextNamesTheFirstFiveSkippedPathsWithTheirReasonsAndCountsTheRest() throws Exception {
    Map<String, String> files = new TreeMap<>();
    for (int i = 1; i <= 7; i++) {
      files.put("img/" + i + ".png", "BINARY");
    }
    files.put("node_modules/", "VENDORED_OR_GENERATED");
    IndexSummary summary = withSkipped(Map.of("BINARY", 7L, "VENDORED_OR_GENERATED", 1L), files);

    String text = summary.toText();

    assertThat(text)
        .contains(
            "  skipped    binary 7, vendored or generated 1\n"
                + "             img/1.png (binary)\n"
                + "             img/2.png (binary)\n"
                + "             img/3.png (binary)\n"
                + "             img/4.png (binary)\n"
                + "             img/5.png (binary)\n"
                + "             ... and 3 more (--json lists them all)\n");
    assertThat(text.lines()).noneMatch(line -> line.endsWith(" "));
    JsonNode json = new ObjectMapper().readTree(summary.toJson());
    assertThat(json.path("skippedFiles").size()).isEqualTo(8);
    assertThat(json.path("skippedFiles").path("node_modules/").asText())
        .isEqualTo("VENDORED_OR_GENERATED");
  }

  @Test
  void theJsonRoundsTimesAndRatesToOneDecimalAndTheCostToFour() throws Exception {
    IndexSummary summary =
        IndexSummary.of(
            new IndexSummary.Header("j", "COMPLETED", null, "openai", "m"),
            1,
            1,
            246,
            null,
            0.000123456,
            9.071629189,
            Map.of(),
            Map.of(),
            List.of());

    String json = summary.toJson();

    assertThat(json)
        .contains("\"estimatedCostUsd\":0.0001,")
        .contains("\"elapsedSeconds\":9.1,")
        .contains("\"chunksPerSecond\":0.0,");
  }

  @Test
  void statusJsonRoundsTheJobsTimesRatesAndPercentagesNestedOnesToo() throws Exception {
    JsonNode view =
        new ObjectMapper()
            .readTree(
                "{\"jobId\":\"j\",\"percent\":33.33333333,\"chunksPerSecond\":27.11751052372077,"
                    + "\"elapsedSeconds\":9.071629189,\"estimatedCostUsd\":0.01234567,"
                    + "\"history\":[{\"seconds\":59.98,\"chunksPerSecond\":4.04999}]}");

    assertThat(Json.writeRounded(view))
        .isEqualTo(
            "{\"jobId\":\"j\",\"percent\":33.3,\"chunksPerSecond\":27.1,\"elapsedSeconds\":9.1,"
                + "\"estimatedCostUsd\":0.0123,"
                + "\"history\":[{\"seconds\":60.0,\"chunksPerSecond\":4.0}]}");
  }

  @Test
  void oneFileOrResultIsSingular() {
    assertThat(withSkipped(Map.of(), Map.of()).toText()).contains("1 from 1 file (1 uploaded)");
    assertThat(SearchResults.resultsOf(1, 1)).isEqualTo("1 result of 1 chunk");
    assertThat(SearchResults.resultsOf(5, 1_344)).isEqualTo("5 results of 1,344 chunks");
  }
}
