package io.signalhub.indexing.core.pipeline;

import io.signalhub.indexing.core.cache.EmbeddingCache;
import io.signalhub.indexing.core.job.BatchState;
import io.signalhub.indexing.core.job.JobStore;
import io.signalhub.indexing.core.retry.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The vectors of a batch's twins (texts an earlier batch of the job carries, see {@link
 * BatchPayload}), waited for in the cache while those batches run.
 */
final class TwinVectors {

  /** How often the cache is looked at while the earlier batches run. */
  private static final Duration POLL = Duration.ofMillis(200);

  private final JobStore jobs;
  private final EmbeddingCache cache;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Duration wait;

  TwinVectors(JobStore jobs, EmbeddingCache cache, Clock clock, Sleeper sleeper, Duration wait) {
    this.jobs = jobs;
    this.cache = cache;
    this.clock = clock;
    this.sleeper = sleeper;
    this.wait = wait;
  }

  /**
   * The vectors that appeared for {@code twinOf}'s texts (text key to the batch that carries it).
   * Gives up on a text when its batch is accounted without it (it failed there) or after {@code
   * signal-hub.twin-wait-ms}; the caller embeds what is missing itself.
   */
  Map<String, float[]> await(String jobId, Map<String, Long> twinOf) {
    Map<String, float[]> found = new HashMap<>();
    Map<String, Long> waiting = new HashMap<>(twinOf);
    Instant giveUp = clock.instant().plus(wait);
    while (true) {
      // states first: a batch caches its vectors before it is accounted, so a text missing from
      // the cache after its batch was accounted failed there
      Set<Long> settled = new HashSet<>();
      for (long seq : new HashSet<>(waiting.values())) {
        if (jobs.batchState(jobId, seq) != BatchState.PENDING) {
          settled.add(seq);
        }
      }
      found.putAll(cache.getAll(waiting.keySet()));
      waiting.keySet().removeAll(found.keySet());
      waiting.values().removeAll(settled);
      if (waiting.isEmpty() || !clock.instant().isBefore(giveUp)) {
        return found;
      }
      try {
        sleeper.sleep(POLL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return found;
      }
    }
  }
}
