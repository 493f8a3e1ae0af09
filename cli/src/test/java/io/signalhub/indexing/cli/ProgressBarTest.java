package io.signalhub.indexing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalhub.indexing.core.progress.Progress;
import java.time.Duration;
import java.util.List;
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
}
