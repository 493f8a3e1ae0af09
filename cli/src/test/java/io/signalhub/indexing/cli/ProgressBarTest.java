package io.signalhub.indexing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalhub.indexing.core.MutableClock;
import io.signalhub.indexing.core.pipeline.JobView;
import io.signalhub.indexing.core.progress.Progress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

  private static Progress progress(long total, long done, double recentRate, Duration elapsed) {
    return new Progress(
        total,
        true,
        done,
        0,
        0,
        1,
        1,
        0,
        0,
        0,
        0,
        0,
        recentRate,
        Duration.ofSeconds(9),
        elapsed,
        List.of());
  }

  @Test
  void aRunningJobShowsTheRecentRateAndItsEta() {
    assertThat(ProgressBar.render(progress(2_000, 1_250, 85.3, Duration.ofSeconds(20))))
        .contains("62.5%")
        .contains("1,250/2,000 chunks")
        .contains("85.3 chunks/s")
        .contains("ETA 0:09");
  }

  @Test
  void aFinishedJobShowsItsAverageRateNotTheIdleRecentOne() {
    assertThat(ProgressBar.render(progress(1_000, 1_000, 0, Duration.ofSeconds(20))))
        .contains("100.0%")
        .contains("50.0 chunks/s");
  }

  private static Progress running(long done) {
    return running(done, 100, true);
  }

  private static Progress running(long done, long total, boolean totalFinal) {
    return new Progress(
        total,
        totalFinal,
        done,
        0,
        0,
        1,
        1,
        0,
        0,
        0,
        0,
        0,
        5,
        Duration.ofSeconds(9),
        Duration.ofSeconds(1),
        List.of());
  }

  /** Draws 10%, 20% and 30% with the given pauses between them; returns what was written. */
  private static String draw(boolean terminal, Duration firstPause, Duration secondPause) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    MutableClock clock = new MutableClock();
    ProgressBar bar =
        new ProgressBar(new PrintStream(err, true, StandardCharsets.UTF_8), terminal, clock);
    bar.update(running(10));
    clock.advance(firstPause);
    bar.update(running(20));
    clock.advance(secondPause);
    bar.update(running(30));
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aTerminalSeesTheFirstUpdateAtOnceThenAtMostTenRedrawsASecond() {
    String drawn = draw(true, Duration.ofMillis(50), Duration.ofMillis(60));

    assertThat(drawn).contains("\r[###").contains(" 10.0%").doesNotContain(" 20.0%");
    assertThat(drawn).contains(" 30.0%");
  }

  @Test
  void theBarNeverMovesBackWhenTheProvisionalTotalJumps() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    MutableClock clock = new MutableClock();
    ProgressBar bar =
        new ProgressBar(new PrintStream(err, true, StandardCharsets.UTF_8), false, clock);
    bar.update(running(384, 448, false));
    clock.advance(Duration.ofSeconds(5));
    bar.update(running(1_280, 1_513, true));

    List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines.get(0)).contains(" 85.7%").contains("384/~448 chunks");
    assertThat(lines.get(1)).contains(" 85.7%").contains("1,280/1,513 chunks");
  }

  @Test
  void aPipeGetsAPlainLineAtOnceThenOneEveryFiveSeconds() {
    List<String> lines = draw(false, Duration.ofSeconds(4), Duration.ofSeconds(1)).lines().toList();

    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).contains(" 10.0%").doesNotContain("\r");
    assertThat(lines.get(1)).contains(" 30.0%");
  }

  @Test
  void thePipeGetsTheFinishedLineOnceAlthoughTheJobEndsPollsLater() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    MutableClock clock = new MutableClock();
    ProgressBar bar =
        new ProgressBar(new PrintStream(err, true, StandardCharsets.UTF_8), false, clock);
    bar.update(running(100));
    clock.advance(Duration.ofMillis(300));
    bar.update(running(100)); // the status is still EMBEDDING
    bar.finish();

    assertThat(err.toString(StandardCharsets.UTF_8).lines()).hasSize(1);
  }

  /** A job the status API shows while its fan-out has counted {@code total} chunks so far. */
  private static JobView fanningOut(String status, long files, long filesRead, long total) {
    return new JobView(
        "repo-1",
        status,
        null,
        "repo",
        "abc",
        "local",
        "m",
        files,
        filesRead,
        Map.of(),
        total,
        false,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0.0,
        0.0,
        null,
        true,
        "2026-11-24T19:00:00Z",
        "2026-11-24T19:00:01Z",
        null,
        1.0,
        List.of(),
        List.of(),
        null);
  }

  /** What the bar draws for {@code job}, as PipelineRun feeds it. */
  private static String drawn(JobView job) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    new ProgressBar(new PrintStream(err, true, StandardCharsets.UTF_8), false, new MutableClock())
        .update(JobSummaries.progress(job), JobSummaries.phase(job));
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aJobFanningOutShowsItsPhaseInsteadOfZeroChunksAtZeroPerSecond() {
    assertThat(drawn(fanningOut("PENDING", 0, 0, 0)))
        .contains("reading the manifest ...")
        .doesNotContain("0/~0", "chunks/s");
    assertThat(drawn(fanningOut("FANNING_OUT", 151, 0, 0))).contains("reading the manifest ...");
    assertThat(drawn(fanningOut("FANNING_OUT", 151, 12, 340)))
        .contains("fanning out: 12/151 files read, 340 chunks so far")
        .doesNotContain("chunks/s");
  }
}
