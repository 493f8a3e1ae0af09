package io.signalhub.indexing.core.page;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalhub.indexing.core.job.Failure;
import io.signalhub.indexing.core.pipeline.JobView;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StatusPageTest {

  private static JobView job(
      String status, boolean totalFinal, Long eta, List<Failure> failures, int minutes) {
    List<JobView.Minute> history =
        java.util.stream.IntStream.range(0, minutes)
            .mapToObj(
                i ->
                    new JobView.Minute(
                        "2026-11-24T19:0" + i + ":00Z",
                        60,
                        600L * (i + 1),
                        0,
                        10.0 * (i + 1),
                        50_000,
                        6,
                        i == 1 ? 2 : 0,
                        i == 1 ? 2 : 0))
            .toList();
    return new JobView(
        "acme-20261124-1",
        status,
        null,
        "acme/<shop>",
        "abc",
        "openai",
        "text-embedding-3-small",
        10,
        10,
        Map.of(),
        2000,
        totalFinal,
        1200,
        3,
        100,
        797,
        60.2,
        20,
        12,
        12,
        1191,
        120_000,
        0.0024,
        20.0,
        eta,
        !totalFinal,
        "2026-11-24T19:00:00Z",
        "2026-11-24T19:02:00Z",
        null,
        120.0,
        failures,
        history,
        null);
  }

  @Test
  void aRunningJobShowsItsBarCountsChartFailuresAndAProvisionalEtaAndRefreshes() {
    String page =
        StatusPage.job(
            job(
                "EMBEDDING",
                false,
                40L,
                List.of(new Failure("src/app.py:10-42", "input rejected: <too long>")),
                3));

    assertThat(page).startsWith("<!doctype html>").contains("data-running=\"true\"");
    assertThat(page).contains("aria-valuenow=\"60.2\"");
    assertThat(page)
        .contains("id=\"completed\" data-value=\"1200\">1,200<")
        .contains("id=\"failed\" data-value=\"3\">3<")
        .contains("id=\"cached\" data-value=\"100\">100<")
        .contains("id=\"total\" data-value=\"2000\">2,000<");
    assertThat(page).contains("~40.0 s (provisional)").contains("total still growing");
    assertThat(page).contains("$0.0024");
    assertThat(page).contains("id=\"throttled\" data-value=\"2\"");
    assertThat(Pattern.compile("<rect class=\"rate\"").matcher(page).results().count())
        .isEqualTo(3);
    assertThat(page).contains("<rect class=\"throttled\"");
    assertThat(page).contains("<code>src/app.py:10-42</code>");
    // text from jobs and manifests is escaped, never markup
    assertThat(page).contains("input rejected: &lt;too long&gt;").doesNotContain("<too long>");
    assertThat(page).contains("acme/&lt;shop&gt;").doesNotContain("acme/<shop>");
    assertThat(page).contains("<noscript><meta http-equiv=\"refresh\" content=\"3\"></noscript>");
  }

  @Test
  void aFinishedJobDoesNotRefreshAndItsEtaIsDone() {
    String page = StatusPage.job(job("COMPLETED", true, 0L, List.of(), 0));

    assertThat(page).contains("data-running=\"false\"").doesNotContain("http-equiv=\"refresh\"");
    assertThat(page).contains("id=\"eta\" data-value=\"0\">done<");
    assertThat(page).contains("No batch finished yet.").contains("id=\"no-failures\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"FAILED", "CANCELLED"})
  void aJobThatEndedUnfinishedHasNoEtaRatherThanDone(String status) {
    String page = StatusPage.job(job(status, false, null, List.of(), 0));

    assertThat(page).contains(">none (" + status + ")<").doesNotContain(">done<");
  }

  @ParameterizedTest
  @ValueSource(strings = {"FAILED", "CANCELLED", "COMPLETED_WITH_FAILURES"})
  void everyEndedJobStopsRefreshing(String status) {
    String page = StatusPage.job(job(status, true, 0L, List.of(), 0));

    assertThat(page).contains("data-running=\"false\"").doesNotContain("http-equiv=\"refresh\"");
  }

  @Test
  void thePageIsSelfContained() {
    String page =
        StatusPage.job(job("EMBEDDING", true, 40L, List.of(new Failure("a:1-2", "x")), 5))
            + StatusPage.jobs(List.of(job("EMBEDDING", true, 4L, null, 0)), "jobs/");

    assertThat(page).doesNotContain("http://").doesNotContain("https://");
    assertThat(page).doesNotContainPattern("\\s(src|href)=\"//");
    assertThat(page).doesNotContainPattern("<(link|img|iframe|object)\\b");
    assertThat(page).doesNotContainPattern("<script\\s[^>]*src=");
    assertThat(page).contains("content=\"default-src 'none';");
    assertThat(page).contains("name=\"viewport\" content=\"width=device-width,initial-scale=1\"");
  }

  @Test
  void theListLinksEachJobRelativelyAndShowsItsProgress() {
    String page =
        StatusPage.jobs(
            List.of(job("EMBEDDING", false, null, null, 0), job("COMPLETED", true, 0L, null, 0)),
            "jobs/");

    assertThat(page).contains("href=\"jobs/acme-20261124-1\"");
    assertThat(page).contains("1,203 / 2,000+").contains("1,203 / 2,000<");
    assertThat(page).contains("data-running=\"true\"");
    assertThat(page).contains("2026-11-24 19:00:00 UTC").contains("2:00");
  }

  @Test
  void aFinishedJobsAverageRateCountsEveryChunkDoneAsTheCliDoes() {
    // 1,200 completed (100 of them from the cache) + 3 failed in 120 s: what scripts/index and
    // scripts/status print as the finished job's rate
    String page = StatusPage.job(job("COMPLETED", true, null, List.of(), 2));

    assertThat(page)
        .contains("Average rate")
        .contains("id=\"rate\" data-value=\"10.0250\">10.0 chunks/s");
  }

  @Test
  void anEmptyListSaysHowToStartAJob() {
    assertThat(StatusPage.jobs(List.of(), "jobs/"))
        .contains("No jobs yet")
        .contains("data-running=\"false\"");
  }

  @Test
  void axisTopsAreRoundNumbers() {
    assertThat(RateChart.niceCeiling(0)).isEqualTo(1);
    assertThat(RateChart.niceCeiling(7.3)).isEqualTo(10);
    assertThat(RateChart.niceCeiling(13)).isEqualTo(20);
    assertThat(RateChart.niceCeiling(41)).isEqualTo(50);
    assertThat(RateChart.niceCeiling(100)).isEqualTo(100);
  }
}
