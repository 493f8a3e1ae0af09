package io.signalhub.indexing.aws.lambda;

import io.signalhub.indexing.core.economy.EconomyService;
import io.signalhub.indexing.core.economy.PollScheduler;
import io.signalhub.indexing.core.pipeline.EmbedderService;
import java.util.function.BiFunction;

/**
 * Economy mode's poll messages as {@link PartialBatchProcessor} consumes them: on the batch queue a
 * poll (its message deleted once handled; an exception redelivers it), on the dead-letter queue the
 * fallback for a submission whose polls kept failing.
 */
public final class EconomyPolls {

  private EconomyPolls() {}

  public static BiFunction<PollScheduler.PollRequest, Integer, EmbedderService.Outcome> poller(
      EconomyService economy) {
    return (poll, receives) -> {
      economy.poll(poll);
      return EmbedderService.Outcome.ACCOUNTED;
    };
  }

  public static BiFunction<PollScheduler.PollRequest, Integer, EmbedderService.Outcome>
      deadLettered(EconomyService economy) {
    return (poll, receives) -> {
      economy.pollDeadLettered(poll);
      return EmbedderService.Outcome.ACCOUNTED;
    };
  }
}
