package io.signalhub.indexing.bench;

import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.simulator.SimulatedEmbeddingServer;
import io.signalhub.indexing.simulator.SimulatorStats;
import java.time.Duration;
import java.util.List;

/** Times work done in this process against the simulator, and how much of its limit it used. */
final class ClientMeasurement {

  private ClientMeasurement() {}

  /**
   * Runs {@code work} over {@code chunks} and makes its row; a run that throws is a row marked
   * FAILED with no rate.
   */
  static Result measure(
      BenchRun run,
      String part,
      String name,
      SimulatedEmbeddingServer server,
      List<Chunk> chunks,
      Runnable work,
      String note) {
    server.stats().reset();
    Bench.log("%s / %s: %,d chunks ...", part, name, chunks.size());
    long start = System.nanoTime();
    boolean failed = false;
    try {
      work.run();
    } catch (RuntimeException e) {
      String message = String.valueOf(e.getMessage());
      note = "FAILED: " + (message.length() > 160 ? message.substring(0, 160) + "..." : message);
      failed = true;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    // a run that failed embedded nothing it can be credited for
    double rate = failed ? 0 : chunks.size() / seconds;
    Double ratio = run.ratioVsNaive(rate);
    return Result.row(part, name)
        .chunks(chunks.size())
        .seconds(seconds)
        .chunksPerSecond(rate)
        .served(server.stats())
        .ratioVsNaive(
            failed ? null : ratio != null ? ratio : (name.startsWith("naive") ? 1.0 : null))
        .note(note)
        .build();
  }

  /**
   * Tokens served after the first minute's budget is spent, over the most the provider's token
   * bucket (full at the first request, refilled at tpm/60 per second) could have served from then
   * to the last response. Timed by the server's own log, so client start-up does not count.
   */
  static Result withUtilisation(Result r, SimulatedEmbeddingServer server, long tpm) {
    SimulatorStats stats = server.stats();
    long first = stats.firstServedNanos();
    long last = stats.lastServedNanos() + 1;
    long steady = firstNanosAfter(stats, first, last, tpm);
    double window = (last - steady) / 1e9;
    Double utilisation = null;
    if (first >= 0 && steady >= 0 && window >= 3) {
      double perSecond = tpm / 60.0;
      double stockAtSteady =
          Math.min(
              tpm,
              tpm + perSecond * (steady - first) / 1e9 - stats.tokensServedBetween(first, steady));
      utilisation = stats.tokensServedBetween(steady, last) / (stockAtSteady + perSecond * window);
    }
    return r.withUtilisation(
        utilisation,
        "provider tpm "
            + tpm
            + (utilisation == null
                ? "; finished inside the first minute's budget"
                : String.format(
                    "; utilisation over the %.0f s after the first minute's budget", window)));
  }

  /** When the tokens served since {@code start} first reach one minute's budget (-1 if never). */
  private static long firstNanosAfter(SimulatorStats stats, long start, long end, long tpm) {
    long step = Duration.ofMillis(100).toNanos();
    for (long t = start; t < end; t += step) {
      if (stats.tokensServedBetween(start, t) >= tpm) {
        return t;
      }
    }
    return -1;
  }
}
