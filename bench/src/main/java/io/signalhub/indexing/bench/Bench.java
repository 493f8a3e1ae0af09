package io.signalhub.indexing.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scripts/bench [--quick] [--json] [--quota | --rate-limit | --economy | --local-model]}:
 * every scenario side by side in one run, against one simulated OpenAI-compatible provider, on one
 * corpus. Prints a table (and JSON lines). Absolute times drift on a shared machine; the ratios are
 * measured in the same run and are what to read.
 */
@Command(
    name = "scripts/bench",
    description =
        "Benchmarks, side by side in one run against one simulated provider"
            + " (docs/benchmarks.md).")
public final class Bench implements Callable<Integer> {

  static final ObjectMapper JSON = new ObjectMapper();
  static final int DIMENSIONS = 256;
  static final String MODEL = "text-embedding-3-small";

  /** Latency of the simulated provider: fixed per request plus per 1,000 tokens. */
  static final long FIXED_LATENCY_MS = 50;

  static final long LATENCY_PER_1K_TOKENS_MS = 15;

  /** The scenarios of a full run, in the order they run and print: one line a scenario. */
  static final List<Scenario> SCENARIOS =
      List.of(
          new ThroughputScenario(),
          new RateLimitScenario(),
          new SharedBudgetScenario(),
          new QuotaScenario(),
          new CostScenario(),
          new EconomyScenario(),
          new MemoryScenario(),
          new FanOutRate(),
          new PipelineOverhead(),
          new LocalModelScenario());

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  @Option(names = "--quick", description = "The same scenarios, smaller (about 3 minutes).")
  boolean quick;

  @Option(names = "--json", description = "One JSON object per scenario on stdout.")
  boolean json;

  @Option(
      names = "--quota",
      description = "Only \"quota smaller than a batch\" (about 5 minutes; with --quick 1 minute).")
  boolean quotaOnly;

  @Option(
      names = "--rate-limit",
      description =
          "Only \"the rate limit binds\" (about 4 minutes; with --quick 2): requests sized by the"
              + " provider under a binding quota, limits configured and learned.")
  boolean rateLimitOnly;

  @Option(
      names = "--economy",
      description =
          "Only \"first full index, economy vs on demand\" (about 3 minutes with --quick).")
  boolean economyOnly;

  @Option(
      names = "--json-out",
      paramLabel = "FILE",
      description = "Also write the JSON lines to FILE (the table still prints).")
  Path jsonOut;

  @Option(
      names = "--local-model",
      description =
          "Only \"the embedded model\": one chunk at a time against batching (about 1 minute).")
  boolean localModelOnly;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Bench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    BenchRun run = new BenchRun(quick, Path.of(System.getProperty("signal-hub.root", ".")));
    List<Scenario> scenarios =
        quotaOnly
            ? List.of(new QuotaScenario())
            : rateLimitOnly
                ? List.of(new RateLimitScenario())
                : economyOnly
                    ? List.of(new EconomyScenario())
                    : localModelOnly ? List.of(new LocalModelScenario()) : SCENARIOS;
    for (Scenario scenario : scenarios) {
      scenario.run(run);
    }
    ResultTable.print(run.results(), json, System.out);
    if (jsonOut != null) {
      try (var out = new java.io.PrintStream(java.nio.file.Files.newOutputStream(jsonOut))) {
        ResultTable.print(run.results(), true, out);
      }
    }
    return 0;
  }

  static void log(String format, Object... args) {
    System.err.printf(format + "%n", args);
  }
}
