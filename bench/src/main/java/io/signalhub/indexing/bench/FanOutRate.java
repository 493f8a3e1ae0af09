package io.signalhub.indexing.bench;

import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.local.runtime.LocalRuntime;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.sync.RequestBody;

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
    Map<String, String> settings = new java.util.HashMap<>(config);
    settings.put("signal-hub.local.embedders", "0");
    try (LocalRuntime stack = SimulatorClients.stack(null, settings)) {
      upload(stack, files);
      String manifest = manifest(files);
      List<Run> runs = new ArrayList<>();
      runs.add(fanOut(stack, "fanout-cold", manifest, files.size()));
      return runs;
    }
  }

  static void upload(LocalRuntime stack, Map<String, String> files) throws Exception {
    var s3 = stack.pipeline().s3();
    ExecutorService uploads = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      files.forEach(
          (path, text) ->
              done.add(
                  uploads.submit(
                      () ->
                          s3.putObject(
                              r -> r.bucket(stack.bucket()).key("sources/bench/" + path),
                              RequestBody.fromString(text)))));
      for (Future<?> upload : done) {
        upload.get();
      }
    } finally {
      uploads.shutdownNow();
    }
  }

  static String manifest(Map<String, String> files) {
    StringBuilder list = new StringBuilder();
    files.forEach(
        (path, text) -> {
          byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
          list.append(list.length() == 0 ? "" : ",")
              .append("{\"path\":\"")
              .append(path)
              .append("\",\"sha256\":\"")
              .append(Chunk.sha256Hex(bytes))
              .append("\",\"size\":")
              .append(bytes.length)
              .append('}');
        });
    return "{\"version\":1,\"repository\":\"bench\",\"sources\":{\"prefix\":\"sources/bench/\"},\"files\":["
        + list
        + "]}";
  }

  private static Run fanOut(LocalRuntime stack, String jobId, String manifest, int files)
      throws Exception {
    long start = System.nanoTime();
    double cpuStart = cpuSeconds();
    stack
        .pipeline()
        .s3()
        .putObject(
            r -> r.bucket(stack.bucket()).key("manifests/" + jobId + ".json"),
            RequestBody.fromString(manifest));
    JobRecord job;
    while (true) {
      job = stack.pipeline().jobs().get(jobId).orElse(null);
      if (job != null && (job.fanOut().complete() || job.status().terminal())) {
        break;
      }
      Thread.sleep(20);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Run(
        jobId,
        files,
        job.counters().total(),
        job.counters().cached(),
        job.counters().batchesRegistered(),
        seconds,
        cpuSeconds() - cpuStart);
  }

  /** The bench row: a cold fan-out of 5,000 generated files (20,000 in the full run). */
  @Override
  public void run(BenchRun bench) throws Exception {
    int count = bench.quick() ? 5_000 : 20_000;
    Bench.log("fan-out / %,d files on the embedded services ...", count);
    Run run = measure(files(count), Map.of()).get(0);
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
  }

  /** {@code java -cp signal-hub-bench.jar io.signalhub.indexing.bench.FanOutRate [files]}. */
  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    for (Run run : measure(files(count), Map.of())) {
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
    System.exit(0);
  }
}
