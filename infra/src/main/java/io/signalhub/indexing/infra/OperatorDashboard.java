package io.signalhub.indexing.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.Color;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.HorizontalAnnotation;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TextWidget;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.sqs.Queue;
import software.constructs.Construct;

/**
 * The operator's dashboard: throughput, tokens per minute against the configured quota, 429s and
 * retries, batch latency, the DLQ's depth, the age of the oldest batch message, and the functions'
 * errors, throttles and cold starts. The pipeline's own figures come from the EMF lines the
 * functions log (namespace {@code SignalHub}, dimension {@code function}); the rest are AWS/Lambda
 * and AWS/SQS metrics.
 */
final class OperatorDashboard extends Construct {

  static final String NAMESPACE = "SignalHub";
  private static final Duration MINUTE = Duration.minutes(1);

  /** What the dashboard watches. */
  record Watched(
      Function fanout,
      Function fanoutContinuation,
      Function embedder,
      Function deadLetterConsumer,
      Function status,
      Queue batches,
      Queue deadLetters,
      long tokensPerMinute,
      long requestsPerMinute) {

    List<Function> functions() {
      return List.of(fanout, fanoutContinuation, embedder, deadLetterConsumer, status);
    }
  }

  final Dashboard dashboard;

  OperatorDashboard(Construct scope, String id, Watched w) {
    super(scope, id);
    dashboard =
        Dashboard.Builder.create(this, "Dashboard")
            .dashboardName(Stack.of(this).getStackName() + "-operations")
            .defaultInterval(Duration.hours(3))
            .build();
    dashboard.addWidgets(
        TextWidget.Builder.create()
            .markdown(
                "# Signal Hub indexing\nPipeline figures are EMF metrics (namespace `SignalHub`,"
                    + " dimension `function`); find one job's lines in Logs Insights with"
                    + " `filter jobId = \"<job>\"`.")
            .width(24)
            .height(2)
            .build());
    dashboard.addWidgets(
        graph(
            "Throughput (chunks/min)",
            List.of(
                emf("ChunksEmbedded", w.embedder(), "embedded", Color.BLUE),
                emf("ChunksCached", w.embedder(), "cached at embed", Color.GREEN),
                emf("ChunksCached", w.fanout(), "cached at fan-out", Color.GREY),
                emf("ChunksFailed", w.embedder(), "failed", Color.RED),
                emf("ChunksFailed", w.deadLetterConsumer(), "failed (DLQ)", Color.ORANGE)),
            List.of()),
        graph(
            "Tokens/min against the quota",
            List.of(emf("Tokens", w.embedder(), "tokens", Color.BLUE)),
            quota(w.tokensPerMinute(), "tokens/min quota")),
        graph(
            "Requests, 429s and retries per minute",
            List.of(
                emf("Requests", w.embedder(), "requests", Color.BLUE),
                emf("Throttles429", w.embedder(), "429s", Color.RED),
                emf("Retries", w.embedder(), "retries", Color.ORANGE)),
            quota(w.requestsPerMinute(), "requests/min quota")));
    dashboard.addWidgets(
        graph(
            "Batch latency (ms)",
            List.of(
                latency("p50", Color.BLUE, w.embedder()), latency("p99", Color.RED, w.embedder())),
            List.of()),
        graph(
            "DLQ depth",
            List.of(
                w.deadLetters()
                    .metricApproximateNumberOfMessagesVisible(
                        MetricOptions.builder()
                            .statistic("Maximum")
                            .period(MINUTE)
                            .label("messages in the DLQ")
                            .color(Color.RED)
                            .build())),
            List.of()),
        graph(
            "Age of the oldest batch message (s)",
            List.of(
                w.batches()
                    .metricApproximateAgeOfOldestMessage(
                        MetricOptions.builder()
                            .statistic("Maximum")
                            .period(MINUTE)
                            .label("oldest batch")
                            .build())),
            List.of()));
    List<IMetric> errors = new ArrayList<>();
    List<IMetric> throttles = new ArrayList<>();
    List<IMetric> coldStarts = new ArrayList<>();
    for (Function f : w.functions()) {
      MetricOptions sum =
          MetricOptions.builder()
              .statistic("Sum")
              .period(MINUTE)
              .label(f.getNode().getId())
              .build();
      errors.add(f.metricErrors(sum));
      throttles.add(f.metricThrottles(sum));
      coldStarts.add(emf("ColdStart", f, f.getNode().getId(), null));
    }
    dashboard.addWidgets(
        graph("Function errors", errors, List.of()),
        graph("Lambda throttles", throttles, List.of()),
        graph("Cold starts (first batch or request of an environment)", coldStarts, List.of()));

    CfnOutput.Builder.create(this, "DashboardName")
        .value(dashboard.getDashboardName())
        .description("CloudWatch dashboard: throughput, tokens/min vs quota, 429s, DLQ, errors")
        .build();
  }

  /** A metric the functions write as EMF, summed per minute for one function. */
  private static Metric emf(String name, Function function, String label, String color) {
    Metric.Builder metric =
        Metric.Builder.create()
            .namespace(NAMESPACE)
            .metricName(name)
            .dimensionsMap(Map.of("function", function.getFunctionName()))
            .statistic("Sum")
            .period(MINUTE)
            .label(label);
    if (color != null) {
      metric.color(color);
    }
    return metric.build();
  }

  private static Metric latency(String statistic, String color, Function embedder) {
    return Metric.Builder.create()
        .namespace(NAMESPACE)
        .metricName("BatchLatency")
        .dimensionsMap(Map.of("function", embedder.getFunctionName()))
        .statistic(statistic)
        .period(MINUTE)
        .label(statistic)
        .color(color)
        .build();
  }

  /** A line at the configured quota; none when the stack manages no quota. */
  private static List<HorizontalAnnotation> quota(long perMinute, String label) {
    return perMinute <= 0
        ? List.of()
        : List.of(
            HorizontalAnnotation.builder()
                .value(perMinute)
                .label(label + " (" + perMinute + ")")
                .color(Color.RED)
                .build());
  }

  private static IWidget graph(
      String title, List<? extends IMetric> metrics, List<HorizontalAnnotation> annotations) {
    return GraphWidget.Builder.create()
        .title(title)
        .left(List.copyOf(metrics))
        .leftAnnotations(annotations)
        .width(8)
        .height(6)
        .build();
  }
}
