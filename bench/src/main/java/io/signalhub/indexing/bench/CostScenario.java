package io.signalhub.indexing.bench;

import io.signalhub.indexing.local.runtime.LocalRuntime;
import io.signalhub.indexing.simulator.SimulatedEmbeddingServer;
import io.signalhub.indexing.simulator.SimulatorSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/** 3. The cost of a re-index after a 1% change, next to the full index, on one local stack. */
final class CostScenario implements Scenario {

  @Override
  public void run(BenchRun run) throws Exception {
    Corpus corpus = run.corpus();
    SimulatorSettings settings = SimulatorSettings.builder().dimensions(Bench.DIMENSIONS).build();
    try (SimulatedEmbeddingServer server = SimulatedEmbeddingServer.start(settings);
        LocalRuntime stack = SimulatorClients.stack(server, Map.of())) {
      Result full = index(run, stack, server, "full index", corpus.files, "cost-full");
      Map<String, String> changed = new LinkedHashMap<>(corpus.files);
      int toChange = Math.max(1, corpus.files.size() / 100);
      int i = 0;
      for (String path : new ArrayList<>(changed.keySet())) {
        if (path.startsWith("generated/") && i++ < toChange) {
          changed.put(path, changed.get(path).replaceFirst("return ", "return 1 + "));
        }
      }
      Result reindex =
          index(
              run,
              stack,
              server,
              "re-index after changing 1% of files (" + toChange + ")",
              changed,
              "cost-reindex");
      double share = full.tokens() == 0 ? 0 : 100.0 * reindex.tokens() / full.tokens();
      run.add(
          Result.row("cost", "re-index vs full: tokens billed")
              .chunks(reindex.chunks())
              .seconds(reindex.seconds())
              .chunksPerSecond(reindex.chunksPerSecond())
              .requests(reindex.requests())
              .status429(reindex.status429())
              .tokens(reindex.tokens())
              .note(
                  String.format(
                      "%.2f%% of the full index's tokens, %.2f%% of its requests; $%.6f vs $%.6f at $0.02/1M tokens (text-embedding-3-small, openai.com/api/pricing)",
                      share,
                      full.requests() == 0 ? 0 : 100.0 * reindex.requests() / full.requests(),
                      reindex.tokens() * 0.02 / 1e6,
                      full.tokens() * 0.02 / 1e6))
              .build());
    }
  }

  private static Result index(
      BenchRun run,
      LocalRuntime stack,
      SimulatedEmbeddingServer server,
      String name,
      Map<String, String> files,
      String jobId)
      throws Exception {
    return StackRun.onStack(run, stack, server, "cost", name, files, jobId, 1).result();
  }
}
