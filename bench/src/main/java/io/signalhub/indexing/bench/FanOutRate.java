package io.signalhub.indexing.bench;

import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStore;
import io.signalhub.indexing.core.pipeline.FanOutService;
import io.signalhub.indexing.core.pipeline.Keys;
import io.signalhub.indexing.core.provider.ModelProfile;
import io.signalhub.indexing.local.runtime.LocalRuntime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The fan-out alone on the embedded services (s3proxy, ElasticMQ, DynamoDB Local), as the local
 * runtime invokes it: the sources are uploaded first (untimed), then the manifest; the clock runs
 * from the manifest's upload to the job's {@code totalFinal} (every file read, chunked, looked up
 * in the cache, and every batch written to S3, registered in DynamoDB and sent to SQS). No embedder
 * polls the queue, so the fan-out has both cores.
 */
final class FanOutRate implements Scenario {

  /** One fan-out's measurements. */
  record Run(
      String job,
      int files,
      long chunks,
      long cached,
      long batches,
      double seconds,
      double cpuSeconds) {
    static Run of(JobRecord job, int files, double seconds, double cpuSeconds) {
      return new Run(
          job.jobId(),
          files,
          job.counters().total(),
          job.counters().cached(),
          job.counters().batchesRegistered(),
          seconds,
          cpuSeconds);
    }

    double filesPerMinute() {
      return files / seconds * 60;
    }

    /**
     * Files a minute if the whole JVM (the fan-out and the three embedded services) had both cores
     * to itself: CPU time does not grow when neighbours load the machine, wall time does.
     */
    double filesPerMinuteOnTwoIdleCores() {
      return files / (cpuSeconds / 2) * 60;
    }
  }

  /**
   * A sharded fan-out's measurements: the whole run, the time until the manifest's invocation had
   * planned the shards, and the longest single shard invocation (the fan-out's wall time if every
   * shard had a function of its own is about {@code plannedSeconds + longestShardSeconds}).
   */
  record ShardedRun(Run run, int shards, double plannedSeconds, double longestShardSeconds) {
    /** Files a minute if each shard ran in its own invocation, as Lambda runs continuations. */
    double filesPerMinuteOneInvocationPerShard() {
      return run.files() / (plannedSeconds + longestShardSeconds) * 60;
    }
  }

  /** CPU time used by this JVM so far (every thread, the embedded services included). */
  static double cpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1e9;
  }

  /** Generated code files of two to four chunks each, fixed by the corpus seed. */
  static Map<String, String> files(int count) {
    Random random = new Random(Corpus.SEED);
    Map<String, String> files = new java.util.LinkedHashMap<>();
    for (int f = 0; f < count; f++) {
      files.put(
          String.format("fanout/pkg%03d/module_%06d.py", f / 1000, f),
          Corpus.generatedFile(random, f));
    }
    return files;
  }

  /** A cold fan-out of {@code files}, then a second job over the same files (all cached). */
  static List<Run> measure(Map<String, String> files, Map<String, String> config) throws Exception {
    try (LocalRuntime stack = stackWithoutEmbedders(config)) {
      StackSources.upload(stack, files);
      String manifest = StackSources.manifest(files);
      List<Run> runs = new ArrayList<>();
      runs.add(fanOut(stack, "fanout-cold", manifest, files.size()));
      return runs;
    }
  }

  /**
   * The same files fanned out in shards of {@code shardFiles} files: the manifest's invocation (as
   * the local runtime runs it) plans them; every shard is then invoked as the continuation function
   * would be, {@code parallel} at a time, each timed. The clock runs from the manifest's upload to
   * the job's {@code totalFinal}.
   */
  static ShardedRun measureSharded(Map<String, String> files, int shardFiles, int parallel)
      throws Exception {
    try (LocalRuntime stack =
        stackWithoutEmbedders(
            Map.of("signal-hub.fanout.shard-files", Integer.toString(shardFiles)))) {
      StackSources.upload(stack, files);
      String jobId = "fanout-sharded";
      String manifestKey = Keys.manifest(jobId);
      JobStore jobs = stack.pipeline().jobs();
      long start = System.nanoTime();
      double cpuStart = cpuSeconds();
      StackSources.putManifest(stack, jobId, StackSources.manifest(files));
      while (jobs.shards().plan(jobId).isEmpty()) {
        Thread.sleep(20);
      }
      double planned = (System.nanoTime() - start) / 1e9;
      FanOutService fanOut = stack.pipeline().fanOut(ModelProfile.of("openai", stack.provider()));
      List<String> shards = fanOut.continuations(manifestKey, FanOutService.Outcome.SHARDED);
      ExecutorService invocations = Executors.newFixedThreadPool(parallel);
      double longest = 0;
      try {
        List<Future<Double>> times = new ArrayList<>();
        for (String shard : shards) {
          times.add(invocations.submit(() -> invokeUntilDone(fanOut, shard)));
        }
        for (Future<Double> time : times) {
          longest = Math.max(longest, time.get());
        }
      } finally {
        invocations.shutdownNow();
      }
      JobRecord job = jobs.get(jobId).orElseThrow();
      if (!job.fanOut().complete()) {
        throw new IllegalStateException("every shard ran but the fan-out is not complete: " + job);
      }
      Run run =
          Run.of(job, files.size(), (System.nanoTime() - start) / 1e9, cpuSeconds() - cpuStart);
      return new ShardedRun(run, shards.size(), planned, longest);
    }
  }

  /** A local stack whose queues nobody polls, so the fan-out has both cores. */
  private static LocalRuntime stackWithoutEmbedders(Map<String, String> config) throws Exception {
    Map<String, String> settings = new java.util.HashMap<>(config);
    settings.put("signal-hub.local.embedders", "0");
    return SimulatorClients.stack(null, settings);
  }

  /** One shard, invoked again while it hands over (15 minutes an invocation); its seconds. */
  private static double invokeUntilDone(FanOutService fanOut, String shard) {
    long start = System.nanoTime();
    while (fanOut.fanOut(shard, Instant.now().plus(Duration.ofMinutes(15)))
        == FanOutService.Outcome.CONTINUE) {
      // the continuation resumes from the shard's cursor
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private static Run fanOut(LocalRuntime stack, String jobId, String manifest, int files)
      throws Exception {
    long start = System.nanoTime();
    double cpuStart = cpuSeconds();
    StackSources.putManifest(stack, jobId, manifest);
    JobRecord job;
    while (true) {
      job = stack.pipeline().jobs().get(jobId).orElse(null);
      if (job != null && (job.fanOut().complete() || job.status().terminal())) {
        break;
      }
      Thread.sleep(20);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return Run.of(job, files, seconds, cpuSeconds() - cpuStart);
  }

  /**
   * The bench rows: a cold fan-out of 5,000 generated files (20,000 in the full run), then the same
   * files in four shards ({@code signal-hub.fanout.shard-files} a quarter of them), side by side.
   */
  @Override
  public void run(BenchRun bench) throws Exception {
    int count = bench.quick() ? 5_000 : 20_000;
    Bench.log("fan-out / %,d files on the embedded services ...", count);
    Map<String, String> files = files(count);
    Run run = measure(files, Map.of()).get(0);
    bench.add(
        Result.row("fan-out", String.format("fan-out alone, %,d files, embedded services", count))
            .chunks(run.chunks())
            .seconds(run.seconds())
            .chunksPerSecond(run.chunks() / run.seconds())
            .filesPerMinute(run.filesPerMinute())
            .note(
                String.format(
                    "%,.0f files/min from manifest upload to totalFinal (%,d batches; no embedder"
                        + " running); the JVM (fan-out, s3proxy, ElasticMQ, DynamoDB Local) used"
                        + " %.1f CPU s: %,.0f files/min if it had both cores to itself",
                    run.filesPerMinute(),
                    run.batches(),
                    run.cpuSeconds(),
                    run.filesPerMinuteOnTwoIdleCores()))
            .build());
    Bench.log("fan-out / %,d files in 4 shards on the embedded services ...", count);
    // one shard at a time: each has the machine to itself, as each has its own Lambda in AWS
    ShardedRun sharded = measureSharded(files, count / 4, 1);
    bench.add(
        Result.row(
                "fan-out sharded",
                String.format(
                    "fan-out in %d shards, %,d files, embedded services", sharded.shards(), count))
            .chunks(sharded.run().chunks())
            .seconds(sharded.plannedSeconds() + sharded.longestShardSeconds())
            .chunksPerSecond(
                sharded.run().chunks() / (sharded.plannedSeconds() + sharded.longestShardSeconds()))
            .filesPerMinute(sharded.filesPerMinuteOneInvocationPerShard())
            .note(
                String.format(
                    "%,.0f files/min from manifest upload to totalFinal with one invocation per"
                        + " shard, as Lambda runs them: planned in %.1f s, then the longest of the"
                        + " %d shards, each invoked alone in this JVM, %.1f s (%,.0f unsharded"
                        + " above); the shards one after another took %.1f s in all",
                    sharded.filesPerMinuteOneInvocationPerShard(),
                    sharded.plannedSeconds(),
                    sharded.shards(),
                    sharded.longestShardSeconds(),
                    run.filesPerMinute(),
                    sharded.run().seconds()))
            .build());
  }

  /**
   * {@code java -cp signal-hub-bench.jar io.signalhub.indexing.bench.FanOutRate [files [shards [at
   * once]]]}: with {@code shards}, the sharded fan-out of the same files too, its shards invoked
   * {@code at once} at a time (1).
   */
  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int shards = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    int atOnce = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    Map<String, String> files = files(count);
    for (Run run : measure(files, Map.of())) {
      System.out.printf(
          "%s: %,d files, %,d chunks (%,d cached), %,d batches in %.1f s: %,.0f files/min;"
              + " %.1f CPU s: %,.0f files/min on two idle cores%n",
          run.job(),
          run.files(),
          run.chunks(),
          run.cached(),
          run.batches(),
          run.seconds(),
          run.filesPerMinute(),
          run.cpuSeconds(),
          run.filesPerMinuteOnTwoIdleCores());
    }
    if (shards > 1) {
      ShardedRun sharded = measureSharded(files, (count + shards - 1) / shards, atOnce);
      System.out.printf(
          "sharded: %d shards, %,d chunks, %,d batches in %.1f s: %,.0f files/min; planned in"
              + " %.1f s, longest shard %.1f s: %,.0f files/min one invocation per shard;"
              + " %.1f CPU s%n",
          sharded.shards(),
          sharded.run().chunks(),
          sharded.run().batches(),
          sharded.run().seconds(),
          sharded.run().filesPerMinute(),
          sharded.plannedSeconds(),
          sharded.longestShardSeconds(),
          sharded.filesPerMinuteOneInvocationPerShard(),
          sharded.run().cpuSeconds());
    }
    System.exit(0);
  }
}
