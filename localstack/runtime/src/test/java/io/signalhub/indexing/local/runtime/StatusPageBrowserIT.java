package io.signalhub.indexing.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalhub.indexing.core.provider.ProviderSettings;
import io.signalhub.indexing.simulator.SimulatedEmbeddingServer;
import io.signalhub.indexing.simulator.SimulatorSettings;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The status page in a real browser (Debian's headless Chromium through chromedriver): loaded while
 * a job runs on the local stack, its bar advances without a reload, and once the job ends the
 * counts it shows are the JSON API's. Also readable on a phone: no sideways scrolling at 390 px.
 * Screenshots land in {@code target/} ({@code docs/status-page.png} is one of them).
 */
class StatusPageBrowserIT {

  private static final Path CHROMIUM =
      Path.of(Optional.ofNullable(System.getenv("CHROMIUM_BIN")).orElse("/usr/bin/chromium"));
  private static final Path CHROMEDRIVER =
      Path.of(
          Optional.ofNullable(System.getenv("CHROMEDRIVER_BIN")).orElse("/usr/bin/chromedriver"));
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int FILES = 240;

  private final HttpClient http = HttpClient.newHttpClient();
  private SimulatedEmbeddingServer provider;
  private LocalRuntime stack;
  private WebDriver browser;

  @BeforeEach
  void start(@TempDir Path profile) throws Exception {
    long t0 = System.nanoTime();
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "no browser: "
            + CHROMIUM
            + " or "
            + CHROMEDRIVER
            + " is missing (scripts/test installs Debian's chromium and chromium-driver"
            + " with apt-get when it can)");
    // Each request takes 300 ms and one batch runs at a time: a job of 240 chunks in batches of
    // 6 takes half a minute here, long enough to watch the bar move.
    provider =
        SimulatedEmbeddingServer.start(
            SimulatorSettings.builder().port(0).fixedLatencyMillis(300).build());
    Map<String, String> config =
        Map.of("signal-hub.embedding.batch-size", "6", "signal-hub.concurrency", "1");
    stack =
        LocalRuntime.start(
            LocalRuntime.Ports.ANY,
            null,
            new ProviderSettings(
                "openai", "text-embedding-3-small", 0, provider.baseUrl(), "sk-test", null),
            key -> Optional.ofNullable(config.get(key)));
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    // This machine's network is closed: background services would only fail (and slow the start).
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--user-data-dir=" + profile,
        "--window-size=1100,1200");
    browser =
        new ChromeDriver(
            new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build(),
            options);
    System.err.printf("stack and browser up in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
  }

  @AfterEach
  void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (stack != null) {
      stack.close();
    }
    if (provider != null) {
      provider.close();
    }
  }

  @Test
  void thePageFollowsARunningJobUntilItsCountsAreTheJsonApis() throws Exception {
    String jobId = "browser-job";
    long t0 = System.nanoTime();
    upload(jobId);
    System.err.printf("uploaded in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> json("/jobs/" + jobId).path("total").asLong() > 0);

    System.err.printf("job started after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    browser.get(stack.statusUrl() + "/jobs/" + jobId);
    System.err.printf("page loaded after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    assertThat(attribute("body", "data-running")).isEqualTo("true");
    assertThat(text("#status")).isIn("FANNING_OUT", "EMBEDDING");

    // The page refreshes itself: read the bar without ever reloading, until the job ends.
    // (The percentage may dip while the fan-out still adds to the total; the count never does.)
    List<Double> bar = new ArrayList<>();
    List<Long> done = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              bar.add(Double.parseDouble(attribute("[role=progressbar]", "aria-valuenow")));
              done.add(
                  Long.parseLong(attribute("#completed", "data-value"))
                      + Long.parseLong(attribute("#failed", "data-value")));
              return "false".equals(attribute("body", "data-running"));
            });
    System.err.printf("job ended after %d ms: %s%n", (System.nanoTime() - t0) / 1_000_000, bar);
    List<Double> whileRunning = bar.subList(0, bar.size() - 1);
    assertThat(whileRunning.stream().distinct().count())
        .as("distinct bar values seen while the job ran: %s", bar)
        .isGreaterThanOrEqualTo(2);
    assertThat(whileRunning.get(0)).isLessThan(100);
    assertThat(done).isSorted();

    JsonNode job = json("/jobs/" + jobId);
    assertThat(job.path("status").asText()).isEqualTo("COMPLETED");
    assertThat(text("#status")).isEqualTo(job.path("status").asText());
    assertThat(attribute("[role=progressbar]", "aria-valuenow")).isEqualTo("100.0");
    for (String count : List.of("completed", "failed", "cached", "total")) {
      assertThat(Long.parseLong(attribute("#" + count, "data-value")))
          .as(count)
          .isEqualTo(job.path(count).asLong());
    }
    assertThat(job.path("total").asLong()).isEqualTo(FILES);
    assertThat(Long.parseLong(attribute("#requests", "data-value")))
        .isEqualTo(job.path("apiCalls").asLong());
    long charted =
        browser.findElements(By.cssSelector("#chart rect.rate")).size(); // one bar per minute
    assertThat(charted).isEqualTo(job.path("history").size()).isPositive();
    // the DynamoDB history counted every batch once: its minutes add up to the job's counters
    long historyChunks = 0;
    long historyRequests = 0;
    for (JsonNode minute : job.path("history")) {
      historyChunks += minute.path("completed").asLong() + minute.path("failed").asLong();
      historyRequests += minute.path("requests").asLong();
    }
    assertThat(historyChunks).isEqualTo(job.path("total").asLong() - job.path("cached").asLong());
    assertThat(historyRequests).isEqualTo(job.path("apiCalls").asLong());
    screenshot("status-page.png");

    // On a phone: the same page, no sideways scrolling.
    browser.manage().window().setSize(new Dimension(390, 1400));
    assertThat(
            (Boolean)
                ((JavascriptExecutor) browser)
                    .executeScript(
                        "return document.documentElement.scrollWidth <= window.innerWidth"))
        .isTrue();
    screenshot("status-page-phone.png");

    // The list links to the job.
    browser.manage().window().setSize(new Dimension(1100, 1200));
    browser.get(stack.statusUrl() + "/");
    assertThat(text("tr[data-job=" + jobId + "] .status")).isEqualTo("COMPLETED");
    browser.findElement(By.cssSelector("tr[data-job=" + jobId + "] a")).click();
    assertThat(browser.getCurrentUrl()).isEqualTo(stack.statusUrl() + "/jobs/" + jobId);
    assertThat(text("#completed")).isEqualTo(String.format("%,d", job.path("completed").asLong()));
  }

  /** Read in one script call: the page swaps its content every few seconds. */
  private String attribute(String css, String name) {
    return (String)
        ((JavascriptExecutor) browser)
            .executeScript(
                "return document.querySelector(arguments[0]).getAttribute(arguments[1])",
                css,
                name);
  }

  private String text(String css) {
    return (String)
        ((JavascriptExecutor) browser)
            .executeScript("return document.querySelector(arguments[0]).textContent", css);
  }

  private void screenshot(String name) throws Exception {
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Files.copy(
        shot.toPath(), Path.of("target", name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  private JsonNode json(String path) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(stack.statusUrl() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200
        ? JSON.readTree(response.body())
        : JSON.createObjectNode().put("status", "HTTP " + response.statusCode());
  }

  /** Distinct small files (one chunk each, none cached), then the manifest that starts the job. */
  private void upload(String jobId) {
    try (S3Client s3 = LocalRuntimeIT.s3(stack)) {
      LocalRuntimeIT.uploadJob(s3, stack.bucket(), jobId, FILES);
    }
  }
}
