package io.signalhub.indexing.cli;

import io.signalhub.indexing.core.progress.Progress;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;

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

  public static ProgressBar onStderr() {
    return new ProgressBar(System.err, Terminal.stderrIsTerminal(), Clock.systemUTC());
  }

  public synchronized void update(Progress progress) {
    long now = clock.millis();
    long interval = interactive ? 100 : 5000;
    // The first update always draws. (Starting lastDrawMillis at Long.MIN_VALUE made
    // "now - lastDrawMillis" overflow to a negative number, so nothing drew until the job ended.)
    if (drawn && now - lastDrawMillis < interval && !progress.finished()) {
      return;
    }
    drawn = true;
    lastDrawMillis = now;
    shownPercent = Math.max(shownPercent, progress.percent());
    String line = render(progress, shownPercent);
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

  private static String render(Progress p, double percent) {
    int filled = (int) Math.round(percent / 100 * WIDTH);
    String bar = "#".repeat(Math.min(WIDTH, filled)) + ".".repeat(Math.max(0, WIDTH - filled));
    String total = (p.totalFinal() ? "" : "~") + String.format("%,d", p.total());
    return String.format(
        "[%s] %5.1f%%  %,d/%s chunks  failed %,d  cached %,d  %.1f chunks/s  ETA %s",
        bar, percent, p.done(), total, p.failed(), p.cached(), rate(p), eta(p));
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
