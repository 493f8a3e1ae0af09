package io.signalhub.indexing.bench;

import java.io.PrintStream;
import java.util.List;

/** Prints the rows of a run: a table for people, or one JSON object a row ({@code --json}). */
final class ResultTable {

  private ResultTable() {}

  static void print(List<Result> results, boolean json, PrintStream out) throws Exception {
    if (json) {
      for (Result r : results) {
        out.println(Bench.JSON.writeValueAsString(r));
      }
      return;
    }
    out.printf(
        "%n%-12s %-62s %9s %9s %10s %8s %6s %11s %8s %7s %7s%n",
        "part",
        "scenario",
        "chunks",
        "seconds",
        "chunks/s",
        "requests",
        "429s",
        "tokens",
        "vs naive",
        "util.",
        "vs peer");
    for (Result r : results) {
      out.printf(
          "%-12s %-62s %,9d %9.1f %,10.1f %,8d %,6d %,11d %8s %7s %7s%n",
          r.part(),
          r.scenario(),
          r.chunks(),
          r.seconds(),
          r.chunksPerSecond(),
          r.requests(),
          r.status429(),
          r.tokens(),
          r.ratioVsNaive() == null ? "" : String.format("%.1fx", r.ratioVsNaive()),
          r.rateLimitUtilisation() == null
              ? ""
              : String.format("%.1f%%", 100 * r.rateLimitUtilisation()),
          r.ratioVsPeer() == null ? "" : String.format("%.2fx", r.ratioVsPeer()));
      if (r.note() != null) {
        out.printf("%-12s   %s%n", "", r.note());
      }
    }
  }
}
