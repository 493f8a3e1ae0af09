package io.signalhub.indexing.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code scripts/bench --json} is read by scripts (issue 14's "done when" names its fields): one
 * JSON object a line, with the field names below, unset measurements left out.
 */
class ResultTableTest {

  @Test
  void jsonLinesCarryTheFieldsTheIssueNamesAndLeaveUnsetOnesOut() throws Exception {
    List<Result> rows =
        List.of(
            Result.row("fan-out", "fan-out alone").chunks(10).filesPerMinute(1234.5).build(),
            Result.row("throughput", "library, auto-sized").chunks(10).ratioVsPeer(5.5).build(),
            Result.row("overhead", "pipeline overhead").chunks(10).chunksPerSecond(321.0).build());
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    ResultTable.print(rows, true, new PrintStream(out, true, StandardCharsets.UTF_8));

    List<JsonNode> lines =
        out.toString(StandardCharsets.UTF_8)
            .lines()
            .map(
                line -> {
                  try {
                    return Bench.JSON.readTree(line);
                  } catch (Exception e) {
                    throw new AssertionError("not JSON: " + line, e);
                  }
                })
            .toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0).get("filesPerMinute").asDouble()).isEqualTo(1234.5);
    assertThat(lines.get(1).get("ratioVsPeer").asDouble()).isEqualTo(5.5);
    assertThat(lines.get(2).get("scenario").asText()).contains("overhead");
    assertThat(lines.get(2).get("chunksPerSecond").asDouble()).isEqualTo(321.0);
    assertThat(lines.get(0).has("ratioVsPeer")).isFalse();
  }
}
