package io.signalhub.indexing.aws.dynamodb;

import io.signalhub.indexing.core.retry.BackoffPolicy;
import io.signalhub.indexing.core.retry.Sleeper;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;

/**
 * Retries a write that lost a race with a transaction on the same item. DynamoDB cancels such a
 * write instead of queueing it (a transaction's reason {@code TransactionConflict}, a single
 * write's {@code TransactionConflictException}) and the SDK does not retry either. Every embedder
 * of a job counts into the job's item and its minute in one transaction, so on AWS these races are
 * routine; a cancelled write changed nothing, so sending it again after a jittered wait is safe.
 *
 * @param attempts how many times a write is sent at most before its conflict is thrown
 * @param backoff the wait before each retry
 * @param sleeper waits
 */
public record ConflictRetry(int attempts, BackoffPolicy backoff, Sleeper sleeper) {

  private static final String CONFLICT = "TransactionConflict";

  /** Up to 8 sends, waiting at most 10, 20, ... 500 ms (jittered) between them. */
  public static ConflictRetry standard() {
    return new ConflictRetry(
        8,
        new BackoffPolicy(
            Duration.ofMillis(10),
            Duration.ofMillis(500),
            () -> ThreadLocalRandom.current().nextDouble()),
        Sleeper.system());
  }

  /** The write's answer, after as many sends as its conflicts took. */
  <T> T write(Supplier<T> write) {
    for (int attempt = 1; ; attempt++) {
      try {
        return write.get();
      } catch (TransactionConflictException | TransactionCanceledException e) {
        if (attempt >= attempts || !lostARace(e)) {
          throw e;
        }
        pause(attempt - 1);
      }
    }
  }

  /** A conflict and nothing else: no condition failed, no item was invalid. */
  private static boolean lostARace(DynamoDbException e) {
    if (!(e instanceof TransactionCanceledException canceled)) {
      return true;
    }
    var reasons =
        canceled.cancellationReasons().stream()
            .map(CancellationReason::code)
            .filter(code -> code != null && !"None".equals(code))
            .toList();
    return !reasons.isEmpty() && reasons.stream().allMatch(CONFLICT::equals);
  }

  private void pause(int retry) {
    try {
      sleeper.sleep(backoff.delay(retry, null));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to retry a DynamoDB write", e);
    }
  }
}
