package io.signalhub.indexing.core.pipeline;

import java.util.Optional;

/**
 * What a continuation message names to fan out one shard of a job: the job's manifest key and the
 * shard, as {@code manifests/<job>.json#shard=<n>}. An unsharded continuation names the manifest
 * key alone, as it always has, so the same queue, function and failure path carry both.
 */
public record ShardKey(String manifestKey, int shard) {

  private static final String MARK = "#shard=";

  /** The shard a continuation names, if it names one. */
  public static Optional<ShardKey> parse(String message) {
    int mark = message.lastIndexOf(MARK);
    if (mark < 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new ShardKey(
              message.substring(0, mark),
              Integer.parseInt(message.substring(mark + MARK.length()))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The manifest key of a continuation, whether or not it names a shard. */
  public static String manifestOf(String message) {
    return parse(message).map(ShardKey::manifestKey).orElse(message);
  }

  /**
   * The job of a continuation's manifest key; empty when it is not {@code manifests/<job>.json}.
   */
  public static Optional<String> jobOf(String message) {
    return Keys.jobIdOf(manifestOf(message));
  }

  @Override
  public String toString() {
    return manifestKey + MARK + shard;
  }
}
