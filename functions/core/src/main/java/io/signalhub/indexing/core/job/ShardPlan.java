package io.signalhub.indexing.core.job;

import java.util.Optional;

/**
 * How a large manifest's fan-out is split: {@code shards} contiguous ranges of its {@code files},
 * each fanned out by its own invocations with its own lease, cursor and continuation. A shard's
 * range is fixed by the plan alone, so any invocation can stream-skip to its first file; its batch
 * numbers start at {@link #firstSeq}, so no two shards ever register the same batch number.
 *
 * @param files the manifest's files
 * @param shards how many ranges (at least 2; a smaller manifest is not sharded)
 */
public record ShardPlan(long files, int shards) {

  /**
   * Batch numbers are stored and keyed with ten digits ({@code batch#%010d}, {@code
   * batches/<job>/%010d.json}), so shards divide ten digits' worth between them: with the most
   * shards a plan makes, each still has room for ten million batches.
   */
  static final long SEQ_SPACE = 10_000_000_000L;

  /** The most shards one job is split into; more files make longer shards, not more of them. */
  public static final int MAX_SHARDS = 1000;

  public ShardPlan {
    if (shards < 2 || shards > MAX_SHARDS || files < shards) {
      throw new IllegalArgumentException(
          "a shard plan needs 2 to " + MAX_SHARDS + " shards of at least one file each");
    }
  }

  /**
   * The plan for a manifest of {@code files}: shards of at most {@code shardFiles} files, at most
   * {@link #MAX_SHARDS} of them; empty when it needs none ({@code files <= shardFiles}, or {@code
   * shardFiles} 0: never shard).
   */
  public static Optional<ShardPlan> of(long files, long shardFiles) {
    if (shardFiles <= 0 || files <= shardFiles) {
      return Optional.empty();
    }
    long shards = Math.min(MAX_SHARDS, (files + shardFiles - 1) / shardFiles);
    return Optional.of(new ShardPlan(files, (int) shards));
  }

  /** The first file of shard {@code shard}. */
  public long firstFile(int shard) {
    return files * shard / shards;
  }

  /** The index after the last file of shard {@code shard}. */
  public long endFile(int shard) {
    return firstFile(shard + 1);
  }

  /** The first batch number shard {@code shard} registers. */
  public long firstSeq(int shard) {
    return SEQ_SPACE / shards * shard;
  }

  /** Where shard {@code shard}'s fan-out starts: its first file, its first batch number. */
  public FanOutPosition start(int shard) {
    long seq = firstSeq(shard);
    return new FanOutPosition(false, new Cursor(firstFile(shard), 0), seq, seq);
  }
}
