package io.signalhub.indexing.core.economy;

import java.util.ArrayList;
import java.util.List;

/**
 * A submission's batch numbers as text, runs written {@code first-last}: a gathered submission of
 * 50,000 one-chunk batches (Bedrock's per-file maximum) would take about 550 KB as a plain list of
 * shard-sized numbers, above DynamoDB's 400 KB item limit; as runs it takes a few bytes. A plain
 * comma-separated list (what earlier versions wrote) reads the same.
 */
public final class SeqRanges {

  private SeqRanges() {}

  /** {@code seqs} in their order, each run of consecutive numbers as {@code first-last}. */
  public static String encode(List<Long> seqs) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < seqs.size(); ) {
      int end = i;
      while (end + 1 < seqs.size() && seqs.get(end + 1) == seqs.get(end) + 1) {
        end++;
      }
      text.append(text.length() > 0 ? "," : "").append(seqs.get(i));
      if (end > i) {
        text.append('-').append(seqs.get(end));
      }
      i = end + 1;
    }
    return text.toString();
  }

  /** The numbers {@link #encode} wrote, in their order. */
  public static List<Long> decode(String text) {
    List<Long> seqs = new ArrayList<>();
    if (text.isEmpty()) {
      return seqs;
    }
    for (String run : text.split(",")) {
      int dash = run.indexOf('-');
      long first = Long.parseLong(dash < 0 ? run : run.substring(0, dash));
      long last = dash < 0 ? first : Long.parseLong(run.substring(dash + 1));
      for (long seq = first; seq <= last; seq++) {
        seqs.add(seq);
      }
    }
    return seqs;
  }
}
