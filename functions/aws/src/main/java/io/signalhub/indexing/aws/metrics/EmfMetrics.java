package io.signalhub.indexing.aws.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalhub.indexing.core.job.BatchResult;
import io.signalhub.indexing.core.metrics.PipelineMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Metrics as CloudWatch Embedded Metric Format lines on stdout: Lambda ships each line to the
 * function's log group and CloudWatch turns it into metrics, with no PutMetricData call, no SDK
 * client and no added latency
 * (docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 *
 * <p>One dimension, {@code function}: a job id as a dimension would create a metric per job (each
 * billed, none reusable), so the job id and batch number travel as properties of the line instead —
 * searchable with Logs Insights, free of cardinality. The first line of each execution environment
 * also counts a {@code ColdStart}.
 */
public final class EmfMetrics implements PipelineMetrics {

  public static final String NAMESPACE = "SignalHub";
  public static final String DIMENSION = "function";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicBoolean COLD = new AtomicBoolean(true);

  private final String function;
  private final Consumer<String> out;
  private final Clock clock;
  private final AtomicBoolean cold;

  /**
   * @param out where each line goes ({@code System.out::println} in Lambda)
   */
  public EmfMetrics(String function, Consumer<String> out, Clock clock) {
    this(function, out, clock, new AtomicBoolean(true));
  }

  private EmfMetrics(String function, Consumer<String> out, Clock clock, AtomicBoolean cold) {
    this.function = function;
    this.out = out;
    this.clock = clock;
    this.cold = cold;
  }

  /**
   * EMF on stdout inside a Lambda function ({@code AWS_LAMBDA_FUNCTION_NAME} is set), nothing
   * elsewhere: the CLI and the local stack share the terminal with a progress bar.
   */
  public static PipelineMetrics forEnvironment(Map<String, String> env, Clock clock) {
    return Optional.ofNullable(env.get("AWS_LAMBDA_FUNCTION_NAME"))
        .filter(name -> !name.isBlank())
        .<PipelineMetrics>map(name -> new EmfMetrics(name, System.out::println, clock, COLD))
        .orElse(PipelineMetrics.NONE);
  }

  @Override
  public void batchAccounted(
      String jobId, long seq, BatchResult result, Duration latency, Double estimatedCostUsd) {
    Map<String, Metric> metrics = new LinkedHashMap<>();
    metrics.put("ChunksEmbedded", new Metric(result.completed() - result.cached(), "Count"));
    metrics.put("ChunksCached", new Metric(result.cached(), "Count"));
    metrics.put("ChunksFailed", new Metric(result.failed(), "Count"));
    metrics.put("Tokens", new Metric(result.tokens(), "Count"));
    metrics.put("Requests", new Metric(result.apiCalls(), "Count"));
    metrics.put("Throttles429", new Metric(result.throttled(), "Count"));
    metrics.put("Retries", new Metric(result.retries(), "Count"));
    metrics.put("BatchLatency", new Metric(latency.toMillis(), "Milliseconds"));
    if (estimatedCostUsd != null) {
      metrics.put("EstimatedCostUsd", new Metric(estimatedCostUsd, "None"));
    }
    emit(metrics, Map.of("jobId", jobId, "batchSeq", seq));
  }

  @Override
  public void groupRegistered(String jobId, int batches, long batchedChunks, long cachedChunks) {
    Map<String, Metric> metrics = new LinkedHashMap<>();
    metrics.put("BatchesEnqueued", new Metric(batches, "Count"));
    metrics.put("ChunksEnqueued", new Metric(batchedChunks, "Count"));
    metrics.put("ChunksCached", new Metric(cachedChunks, "Count"));
    emit(metrics, Map.of("jobId", jobId));
  }

  /** Only the cold start, if this environment has reported nothing yet. */
  @Override
  public void requestServed() {
    if (cold.get()) {
      emit(new LinkedHashMap<>(), Map.of());
    }
  }

  private record Metric(Number value, String unit) {}

  private void emit(Map<String, Metric> metrics, Map<String, Object> properties) {
    if (cold.getAndSet(false)) {
      metrics.put("ColdStart", new Metric(1, "Count"));
    }
    if (metrics.isEmpty()) {
      return; // a request served by a warm environment, raced to its first line by another
    }
    ObjectNode line = JSON.createObjectNode();
    ObjectNode aws = line.putObject("_aws");
    aws.put("Timestamp", clock.millis());
    ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
    directive.put("Namespace", NAMESPACE);
    directive.putArray("Dimensions").addArray().add(DIMENSION);
    ArrayNode definitions = directive.putArray("Metrics");
    line.put(DIMENSION, function);
    metrics.forEach(
        (name, metric) -> {
          definitions.addObject().put("Name", name).put("Unit", metric.unit());
          line.putPOJO(name, metric.value());
        });
    properties.forEach(line::putPOJO);
    out.accept(line.toString());
  }
}
