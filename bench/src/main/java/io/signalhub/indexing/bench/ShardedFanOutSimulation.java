package io.signalhub.indexing.bench;

import io.signalhub.indexing.core.pipeline.BatchQueue;
import io.signalhub.indexing.core.pipeline.FanOutService;
import io.signalhub.indexing.core.pipeline.Keys;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A sharded fan-out simulated on in-memory adapters (sources generated as they are read, batch
 * messages counted and dropped): a generated manifest fanned out by one invocation, then the same
 * manifest planned and its shards invoked one after another, each timed alone, as if each had a
 * Lambda of its own. {@code java -cp signal-hub-bench.jar
 * io.signalhub.indexing.bench.ShardedFanOutSimulation [files [shard-files]]}.
 */
public final class ShardedFanOutSimulation {

  private ShardedFanOutSimulation() {}

  public static void main(String[] args) {
    int files = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int shardFiles = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
    String manifest = Keys.manifest("simulated");

    AtomicLong unshardedChunks = new AtomicLong();
    long start = System.nanoTime();
    FanOutService.Outcome whole =
        MemoryProbe.inMemoryFanOut(
                new MemoryProbe.GeneratedBlobs(files), counting(unshardedChunks), 0)
            .fanOut(manifest, Instant.MAX);
    double unsharded = seconds(start);

    AtomicLong shardedChunks = new AtomicLong();
    FanOutService sharded =
        MemoryProbe.inMemoryFanOut(
            new MemoryProbe.GeneratedBlobs(files), counting(shardedChunks), shardFiles);
    start = System.nanoTime();
    FanOutService.Outcome planning = sharded.fanOut(manifest, Instant.MAX);
    double planned = seconds(start);
    List<String> shards = sharded.continuations(manifest, planning);
    double longest = 0;
    double all = planned;
    for (String shard : shards) {
      long shardStart = System.nanoTime();
      sharded.fanOut(shard, Instant.MAX);
      double took = seconds(shardStart);
      longest = Math.max(longest, took);
      all += took;
    }
    System.out.printf(
        "unsharded (%s): %,d files, %,d chunks in %.1f s: %,.0f files/min%n",
        whole, files, unshardedChunks.get(), unsharded, files / unsharded * 60);
    System.out.printf(
        "sharded (%s): %d shards of %,d files, %,d chunks; planned in %.1f s, longest shard %.1f s:"
            + " %,.0f files/min one invocation per shard; %.1f s one after another%n",
        planning,
        shards.size(),
        shardFiles,
        shardedChunks.get(),
        planned,
        longest,
        files / (planned + longest) * 60,
        all);
  }

  private static BatchQueue counting(AtomicLong chunks) {
    return messages -> messages.forEach(m -> chunks.addAndGet(m.chunks()));
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
