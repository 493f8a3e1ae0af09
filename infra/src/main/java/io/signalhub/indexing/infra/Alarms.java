package io.signalhub.indexing.infra;

import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.constructs.Construct;

/**
 * The alarms and the SNS topic they notify: the DLQ not empty, and every function's errors and
 * throttles.
 */
final class Alarms {

  private final Construct stack;

  final Topic topic;

  /** Where every alarm sends its notice (the Alarms topic). */
  private final SnsAction action;

  Alarms(Construct stack, StackSettings settings, Functions functions, Queues queues) {
    this.stack = stack;
    topic =
        Topic.Builder.create(stack, "Alarms")
            .displayName("Signal Hub Indexing alarms")
            .enforceSsl(true)
            .build();
    if (settings.alarmEmail() != null) {
      topic.addSubscription(new EmailSubscription(settings.alarmEmail()));
    }
    action = new SnsAction(topic);
    alarm(
        "DeadLetterQueueNotEmpty",
        queues.deadLetters.metricApproximateNumberOfMessagesVisible(),
        1,
        "Batches failed every receive; the DLQ consumer counts them failed. Investigate the embedder's logs.");
    for (Function f : functions.all()) {
      alarm(
          f.getNode().getId() + "Errors",
          f.metricErrors(),
          1,
          "The function failed; see its log group.");
      alarm(
          f.getNode().getId() + "Throttles",
          f.metricThrottles(),
          1,
          "Lambda throttled the function; raise its concurrency or the account limit.");
    }
  }

  /** An alarm at {@code threshold} or more in one period, notifying the topic. */
  Alarm alarm(String id, IMetric metric, double threshold, String description) {
    Alarm alarm =
        Alarm.Builder.create(stack, id)
            .metric(metric)
            .threshold(threshold)
            .evaluationPeriods(1)
            .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
            .treatMissingData(TreatMissingData.NOT_BREACHING)
            .alarmDescription(description)
            .build();
    alarm.addAlarmAction(action);
    return alarm;
  }
}
