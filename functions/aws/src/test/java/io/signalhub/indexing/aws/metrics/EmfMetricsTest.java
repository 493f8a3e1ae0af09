package io.signalhub.indexing.aws.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalhub.indexing.core.job.BatchResult;
import io.signalhub.indexing.core.metrics.PipelineMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmfMetricsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-24T20:00:00Z"), ZoneOffset.UTC);

  private final List<String> lines = new ArrayList<>();
  private final EmfMetrics metrics = new EmfMetrics("signal-hub-embedder", lines::add, CLOCK);

  @Test
  void aBatchIsOneEmfLineWithTheFunctionAsItsOnlyDimension() throws Exception {
    metrics.batchAccounted(
        "job-1",
        42,
        new BatchResult(95, 5, 10, 3, 12_000, 2, 2, List.of()),
        Duration.ofMillis(850),
        0.00024);

    assertThat(lines).hasSize(1);
    JsonNode line = JSON.readTree(lines.get(0));
    JsonNode directive = line.at("/_aws/CloudWatchMetrics/0");
    assertThat(line.at("/_aws/Timestamp").asLong()).isEqualTo(CLOCK.millis());
    assertThat(directive.path("Namespace").asText()).isEqualTo("SignalHub");
    assertThat(directive.path("Dimensions").toString()).isEqualTo("[[\"function\"]]");
    assertThat(line.path("function").asText()).isEqualTo("signal-hub-embedder");
    // job id and batch travel as properties (searchable in Logs Insights), never as dimensions
    assertThat(line.path("jobId").asText()).isEqualTo("job-1");
    assertThat(line.path("batchSeq").asLong()).isEqualTo(42);
    Map<String, Number> expected =
        Map.of(
            "ChunksEmbedded", 85,
            "ChunksCached", 10,
            "ChunksFailed", 5,
            "Tokens", 12_000,
            "Requests", 3,
            "Throttles429", 2,
            "Retries", 2,
            "BatchLatency", 850,
            "EstimatedCostUsd", 0.00024,
            "ColdStart", 1);
    List<String> declared = new ArrayList<>();
    for (JsonNode metric : directive.path("Metrics")) {
      String name = metric.path("Name").asText();
      declared.add(name);
      // every declared metric has a numeric member of the same name at the top level
      assertThat(line.path(name).isNumber()).as(name).isTrue();
      assertThat(line.path(name).asDouble()).as(name).isEqualTo(expected.get(name).doubleValue());
      assertThat(metric.path("Unit").asText())
          .isEqualTo(
              name.equals("BatchLatency")
                  ? "Milliseconds"
                  : name.equals("EstimatedCostUsd") ? "None" : "Count");
    }
    assertThat(declared).containsExactlyInAnyOrderElementsOf(expected.keySet());
  }

  @Test
  void onlyTheFirstLineOfAnEnvironmentCountsAColdStartAndUnknownPricesAreLeftOut()
      throws Exception {
    metrics.groupRegistered("job-1", 10, 1000, 50);
    metrics.batchAccounted(
        "job-1", 1, BatchResult.allFailed(4, "dead-lettered", List.of()), Duration.ZERO, null);

    JsonNode first = JSON.readTree(lines.get(0));
    JsonNode second = JSON.readTree(lines.get(1));
    assertThat(first.path("ColdStart").asInt()).isEqualTo(1);
    assertThat(first.path("BatchesEnqueued").asInt()).isEqualTo(10);
    assertThat(first.path("ChunksEnqueued").asInt()).isEqualTo(1000);
    assertThat(first.path("ChunksCached").asInt()).isEqualTo(50);
    assertThat(second.has("ColdStart")).isFalse();
    assertThat(second.has("EstimatedCostUsd")).isFalse();
    assertThat(second.path("ChunksFailed").asInt()).isEqualTo(4);
  }

  @Test
  void aServedRequestCountsTheColdStartOnceAndOtherwiseWritesNothing() throws Exception {
    metrics.requestServed();
    metrics.requestServed();
    metrics.batchAccounted(
        "job-1", 1, BatchResult.allFailed(1, "dead-lettered", List.of()), Duration.ZERO, null);

    assertThat(lines).hasSize(2);
    JsonNode coldStart = JSON.readTree(lines.get(0));
    assertThat(coldStart.path("ColdStart").asInt()).isEqualTo(1);
    assertThat(coldStart.path("_aws").path("CloudWatchMetrics").get(0).path("Metrics")).hasSize(1);
    assertThat(JSON.readTree(lines.get(1)).has("ColdStart")).isFalse();
  }

  @Test
  void outsideLambdaNothingIsWritten() {
    assertThat(EmfMetrics.forEnvironment(Map.of(), CLOCK)).isSameAs(PipelineMetrics.NONE);
    assertThat(
            EmfMetrics.forEnvironment(
                Map.of("AWS_LAMBDA_FUNCTION_NAME", "signal-hub-embedder"), CLOCK))
        .isInstanceOf(EmfMetrics.class);
  }
}
