package io.signalhub.indexing.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.signalhub.indexing.simulator.SimulatedEmbeddingServer;
import io.signalhub.indexing.simulator.SimulatorSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The progress bar as a person sees it: the built CLI ({@code target/signal-hub-cli.jar}) runs in a
 * real pseudo-terminal (tmux) against a provider slow enough (400 ms a request, 4 chunks a batch)
 * that a job takes several seconds, and the screen is read every 100 ms. Each way of following a
 * job must show at least two different percentages between 0 and 100 before the job ends.
 */
class ProgressInTerminalIT {

  private static final Pattern PERCENT = Pattern.compile("\\]\\s+(\\d{1,3}\\.\\d)%");
  private static final Pattern JOB = Pattern.compile("starting job (\\S+)");
  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  private static SimulatedEmbeddingServer provider;
  private static Tmux tmux;

  @TempDir Path work;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(Tmux.installed(), "tmux is not installed (apt-get install tmux)");
    provider =
        SimulatedEmbeddingServer.start(SimulatorSettings.builder().fixedLatencyMillis(400).build());
    tmux = new Tmux();
  }

  @AfterAll
  static void stop() throws Exception {
    if (tmux != null) {
      tmux.close();
    }
    if (provider != null) {
      provider.close();
    }
  }

  @Test
  void inProcessTheBarMovesWhileTheJobRuns() throws Exception {
    Path repo = repository("alpha", 120);
    tmux.start(
        "in-process",
        work,
        cli(work.resolve("home"))
            + " index "
            + repo
            + " --in-process --batch-size 4 --concurrency 2"
            + providerFlags());
    assertThat(intermediatePercentages("in-process").get("in-process"))
        .hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  void onTheStackPathAPipeIndexAndStatusFollowAllShowProgress() throws Exception {
    Path home = work.resolve("home");
    // piped, on a stack index starts for its run: plain lines (no carriage returns), the first as
    // soon as the job has progress
    tmux.start(
        "piped",
        work,
        cli(home)
            + " index "
            + repository("beta", 120)
            + " --batch-size 4 --concurrency 2"
            + providerFlags()
            + " 2>&1 | cat");
    String piped = tmux.watch("piped", TIMEOUT, screen -> screen.contains("EXIT 0"), screen -> {});
    List<String> progressLines =
        piped.lines().filter(line -> PERCENT.matcher(line).find()).toList();
    assertThat(progressLines).hasSizeGreaterThanOrEqualTo(2);
    assertThat(progressLines.get(0)).doesNotContain("100.0%").doesNotContain("\r");

    // in terminals, on the stack 'local-stack up' runs: index, and status --follow beside it
    tmux.start(
        "stack-up",
        work,
        "env SIGNAL_HUB_EMBEDDING_PROVIDER=openai SIGNAL_HUB_CONCURRENCY=2 OPENAI_BASE_URL="
            + provider.baseUrl()
            + " "
            + cli(home)
            + " local-stack up --any-ports --in-memory");
    tmux.watch("stack-up", TIMEOUT, screen -> screen.contains("local stack is up"), s -> {});
    tmux.start("index", work, cli(home) + " index " + repository("gamma", 120) + " --batch-size 4");
    String jobScreen =
        tmux.watch("index", TIMEOUT, screen -> JOB.matcher(screen).find(), screen -> {});
    Matcher job = JOB.matcher(jobScreen);
    assertThat(job.find()).isTrue();
    tmux.start("follow", work, cli(home) + " status " + job.group(1) + " --follow");
    Map<String, Set<String>> seen = intermediatePercentages("index", "follow");
    assertThat(seen.get("index")).hasSizeGreaterThanOrEqualTo(2);
    assertThat(seen.get("follow")).hasSizeGreaterThanOrEqualTo(2);
  }

  /**
   * For each session, the percentages strictly between 0 and 100 seen on its screen before the
   * job's summary; every session is watched at once until each has ended with exit code 0.
   */
  private static Map<String, Set<String>> intermediatePercentages(String... sessions)
      throws Exception {
    Map<String, Set<String>> seen = new LinkedHashMap<>();
    Map<String, String> last = new LinkedHashMap<>();
    for (String session : sessions) {
      seen.put(session, new TreeSet<>());
    }
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (last.size() < sessions.length) {
      for (String session : sessions) {
        if (last.containsKey(session)) {
          continue;
        }
        String screen = tmux.screen(session);
        if (screen.contains("EXIT ")) {
          last.put(session, screen);
        } else if (!screen.contains("COMPLETED")) {
          Matcher m = PERCENT.matcher(screen);
          while (m.find()) {
            double percent = Double.parseDouble(m.group(1));
            if (percent > 0 && percent < 100) {
              seen.get(session).add(m.group(1));
            }
          }
        }
      }
      assertThat(System.nanoTime())
          .as("sessions still running: %s", seen.keySet())
          .isLessThan(deadline);
      Thread.sleep(100);
    }
    last.forEach(
        (session, screen) ->
            assertThat(screen)
                .as("%s at the end", session)
                .contains("COMPLETED")
                .contains("EXIT 0"));
    return seen;
  }

  private static String providerFlags() {
    return " --provider openai --base-url " + provider.baseUrl();
  }

  /** The built CLI as scripts/ runs it, with its own home (state file and data). */
  private static String cli(Path home) {
    return new BuiltCli(home, java.util.Map.of()).shellCommand();
  }

  /** {@code files} small source files, each one chunk of its own text. */
  private Path repository(String name, int files) throws Exception {
    Path repo = Files.createDirectories(work.resolve(name));
    for (int i = 0; i < files; i++) {
      Files.writeString(
          repo.resolve("F" + i + ".java"),
          "class F" + i + " {\n  int " + name + i + "() { return " + i + "; }\n}\n");
    }
    return repo;
  }
}
