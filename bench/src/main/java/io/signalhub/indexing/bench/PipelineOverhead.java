package io.signalhub.indexing.bench;

import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.local.runtime.LocalRuntime;
import io.signalhub.indexing.simulator.SimulatedEmbeddingServer;
import io.signalhub.indexing.simulator.SimulatorSettings;
import java.util.HashMap;
import java.util.Map;

/**
 * The pipeline's own cost: a provider that answers at once and never limits (the simulator with no
 * latency and quotas of a million requests and a billion tokens a minute), so every second is spent
 * in S3, the fan-out, SQS, the embedders and DynamoDB on this machine. Time runs from the
 * manifest's upload to COMPLETED.
 */
final class PipelineOverhead implements Scenario {

  /** One job's measurements. */
  record Run(
      int files, long chunks, long requests, double seconds, double cpuSeconds, String status) {
    double chunksPerSecond() {
      return chunks / seconds;
    }
  }

  static Run measure(Map<String, String> files, Map<String, String> config) throws Exception {
    SimulatorSettings unlimited = SimulatorSettings.builder().dimensions(Bench.DIMENSIONS).build();
    try (SimulatedEmbeddingServer server = SimulatedEmbeddingServer.start(unlimited)) {
      Map<String, String> settings = new HashMap<>(config);
      try (LocalRuntime stack = SimulatorClients.stack(server, settings)) {
        StackSources.upload(stack, files);
        String jobId = "overhead";
        long start = System.nanoTime();
        double cpuStart = FanOutRate.cpuSeconds();
        StackSources.putManifest(stack, jobId, StackSources.manifest(files));
        JobRecord job;
        while (true) {
          job = stack.pipeline().jobs().get(jobId).orElse(null);
          if (job != null && job.status().terminal()) {
            break;
          }
          Thread.sleep(20);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Run(
            files.size(),
            job.counters().completed(),
            server.stats().requests(),
            seconds,
            FanOutRate.cpuSeconds() - cpuStart,
            job.status().name());
      }
    }
  }

  /** The bench row: 1,000 generated files (5,000 in the full run) through the local pipeline. */
  @Override
  public void run(BenchRun bench) throws Exception {
    int count = bench.quick() ? 1_000 : 5_000;
    Bench.log("overhead / %,d files, zero-latency unlimited provider ...", count);
    Run run = measure(FanOutRate.files(count), Map.of());
    bench.add(
        Result.row("overhead", "pipeline overhead: zero-latency, unlimited provider")
            .chunks(run.chunks())
            .seconds(run.seconds())
            .chunksPerSecond(run.chunksPerSecond())
            .requests(run.requests())
            .note(
                String.format(
                    "%s; %,d files: S3 -> fan-out -> SQS -> embedders (signal-hub.concurrency 4)"
                        + " -> DynamoDB on the local stack, manifest upload to COMPLETED; %.1f CPU s"
                        + " for the JVM",
                    run.status(), run.files(), run.cpuSeconds()))
            .build());
  }

  /** {@code java -cp signal-hub-bench.jar io.signalhub.indexing.bench.PipelineOverhead [files]}. */
  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    Run run = measure(FanOutRate.files(count), Map.of());
    System.out.printf(
        "%s: %,d files, %,d chunks, %,d requests in %.1f s: %,.0f chunks/s%n",
        run.status(),
        run.files(),
        run.chunks(),
        run.requests(),
        run.seconds(),
        run.chunksPerSecond());
    System.exit(0);
  }
}
