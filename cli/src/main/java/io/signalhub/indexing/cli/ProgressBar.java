package io.signalhub.indexing.cli;

import io.signalhub.indexing.core.progress.Progress;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * A one-line live progress bar on a terminal (redrawn at most 10 times a second); on a pipe or in
 * CI, a plain line every few seconds instead of control characters.
 */
public final class ProgressBar {

  private static final int WIDTH = 30;

  private final PrintStream out;
  private final boolean interactive;
  private final Clock clock;

  /** When the bar was last drawn; meaningless until {@link #drawn}. */
  private long lastDrawMillis;

  private boolean drawn;

  /**
   * Whether the finished line was drawn: the job's counters reach their total a poll or two before
   * its status ends, and the same 100% line must not be printed again.
   */
  private boolean finishedDrawn;

  /**
   * The highest share drawn so far. While the total is still growing (the fan-out has not finished)
   * a jump in it would move the bar back, e.g. 384/~448 (85.7%) then 1,280/1,513 (84.6%); the bar
   * holds its share instead and moves on once the chunks done catch up.
   */
  private double shownPercent;

  public ProgressBar(PrintStream out, boolean interactive, Clock clock) {
    this.out = out;
    this.interactive = interactive;
    this.clock = clock;
  }

  public static ProgressBar onStderr(Map<String, String> environment) {
    return new ProgressBar(
        System.err, Terminal.stderrIsTerminal(environment.get("TERM")), Clock.systemUTC());
  }

  public synchronized void update(Progress progress) {
    update(progress, null);
  }

  /**
   * @param phase what the job does while it has nothing to count yet (e.g. "fanning out: 12/151
   *     files read, 340 chunks so far"), drawn instead of the counts; null: the counts
   */
  public synchronized void update(Progress progress, String phase) {
    if (finishedDrawn) {
      return;
    }
    long now = clock.millis();
    long interval = interactive ? 100 : 5000;
    // The first update always draws. (Starting lastDrawMillis at Long.MIN_VALUE made
    // "now - lastDrawMillis" overflow to a negative number, so nothing drew until the job ended.)
    if (drawn && now - lastDrawMillis < interval && !progress.finished()) {
      return;
    }
    drawn = true;
    finishedDrawn = progress.finished();
    lastDrawMillis = now;
    shownPercent = Math.max(shownPercent, progress.percent());
    String line = phase != null ? render(phase, shownPercent) : render(progress, shownPercent);
    if (interactive) {
      out.print("\r" + line + "\u001b[K");
    } else {
      out.println(line);
    }
    out.flush();
  }

  public synchronized void finish() {
    if (interactive && drawn) {
      out.println();
    }
  }

  /** "[#########.....] 62.5% 1,250/2,000 chunks failed 0 cached 12 85.3 chunks/s ETA 0:09". */
  public static String render(Progress p) {
    return render(p, p.percent());
  }

  /** "[..............................] 0.0% fanning out: 12/151 files read, ...". */
  private static String render(String phase, double percent) {
    return String.format("%s %5.1f%%  %s", bar(percent), percent, phase);
  }

  private static String bar(double percent) {
    int filled = (int) Math.round(percent / 100 * WIDTH);
    return "["
        + "#".repeat(Math.min(WIDTH, filled))
        + ".".repeat(Math.max(0, WIDTH - filled))
        + "]";
  }

  private static String render(Progress p, double percent) {
    String total = (p.totalFinal() ? "" : "~") + String.format("%,d", p.total());
    return String.format(
        "%s %5.1f%%  %,d/%s chunks  failed %,d  cached %,d  %.1f chunks/s  ETA %s",
        bar(percent), percent, p.done(), total, p.failed(), p.cached(), rate(p), eta(p));
  }

  /** The recent rate while running; once finished, the run's average (a finished job's is 0). */
  private static double rate(Progress p) {
    double seconds = p.elapsed().toMillis() / 1000.0;
    return p.finished() && seconds > 0 ? p.done() / seconds : p.chunksPerSecond();
  }

  private static String eta(Progress p) {
    Duration eta = p.eta();
    if (eta == null) {
      return "--:--";
    }
    String text = clockText(eta);
    return p.etaProvisional() ? "~" + text : text;
  }

  static String clockText(Duration d) {
    long seconds = d.toSeconds();
    return seconds >= 3600
        ? String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
        : String.format("%d:%02d", seconds / 60, seconds % 60);
  }
}
