package io.signalhub.indexing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalhub.indexing.simulator.SimulatedEmbeddingServer;
import io.signalhub.indexing.simulator.SimulatorSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local stack's life as users drive it from several terminals, with the built CLI as separate
 * processes: 'up' persists by default and 'down' stops it; flags the running stack cannot honour
 * are refused; two index runs with no stack running take turns on the one data directory.
 */
class LocalStackCommandsIT {

  private static SimulatedEmbeddingServer provider;

  @TempDir Path work;

  @BeforeAll
  static void start() throws Exception {
    provider =
        SimulatedEmbeddingServer.start(SimulatorSettings.builder().fixedLatencyMillis(100).build());
  }

  @AfterAll
  static void stop() {
    provider.close();
  }

  private BuiltCli cli() {
    return new BuiltCli(
        work.resolve("home"),
        Map.of(
            "SIGNAL_HUB_EMBEDDING_PROVIDER", "openai", "OPENAI_BASE_URL", provider.baseUrl() + ""));
  }

  @Test
  void upPersistsByDefaultRefusesFlagsItCannotHonourAndDownStopsIt() throws Exception {
    BuiltCli cli = cli();
    Path home = work.resolve("home");
    BuiltCli.Running up = cli.start("local-stack", "up", "--any-ports");
    waitUntil(() -> up.out().contains("local stack is up"), up);
    assertThat(up.out()).contains("data in " + home.resolve("data"));

    BuiltCli.Result otherProvider =
        cli.run("index", repository("alpha", 3).toString(), "--provider", "local");
    assertThat(otherProvider.exit()).isEqualTo(2);
    assertThat(otherProvider.stderr())
        .isEqualTo(
            "error: the running local stack embeds with openai/text-embedding-3-small at "
                + provider.baseUrl()
                + "; stop it ('scripts/local-stack down') or drop --provider\n");
    BuiltCli.Result moreThanTheStack =
        cli.run("index", repository("alpha", 3).toString(), "--concurrency", "8");
    assertThat(moreThanTheStack.exit()).isEqualTo(2);
    assertThat(moreThanTheStack.stderr()).contains("embeds at most 4 batches at once");

    assertThat(cli.run("index", repository("alpha", 3).toString()).exit()).isZero();
    assertThat(cli.run("index", repository("beta", 3).toString()).exit()).isZero();

    BuiltCli.Result down = cli.run("local-stack", "down");
    assertThat(down.exit()).isZero();
    assertThat(up.process().waitFor(1, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
    // a requested stop: said in up's terminal, exit 0, and none of Pekko's shutdown-hook noise
    assertThat(up.process().exitValue()).as(up.err()).isZero();
    assertThat(up.err())
        .endsWith(
            "Stopping the local stack ('scripts/local-stack down' or SIGTERM) ...\n"
                + "The local stack stopped.\n")
        .doesNotContain("WARN");
    assertThat(StackConnectionFiles.stateFile(home)).doesNotExist();

    BuiltCli.Running again = cli.start("local-stack", "up", "--any-ports");
    try {
      waitUntil(() -> again.out().contains("local stack is up"), again);
      BuiltCli.Result search = cli.run("search", "alpha1", "--repository", "alpha", "-k", "1");
      assertThat(search.exit()).as(search.stderr()).isZero();
      assertThat(search.stdout()).contains("in job alpha-").contains("int alpha");
    } finally {
      assertThat(cli.run("local-stack", "down").exit()).isZero();
    }
  }

  @Test
  void aJobLeftOnAStoppedStackIsRecoveredByAReadCommandWithoutInfoLinesOnItsTerminal()
      throws Exception {
    BuiltCli cli = cli();
    BuiltCli.Running up = cli.start("local-stack", "up", "--any-ports");
    waitUntil(() -> up.out().contains("local stack is up"), up);
    BuiltCli.Result detached =
        cli.run(
            "index",
            repository("gamma", 60).toString(),
            "--detach",
            "--batch-size",
            "1",
            "--concurrency",
            "1");
    assertThat(detached.exit()).as(detached.stderr()).isZero();
    String jobId = detached.stdout().strip();
    waitUntil(
        () ->
            new ObjectMapper()
                    .readTree(cli.run("status", jobId, "--json").stdout())
                    .path("completed")
                    .asLong()
                > 0,
        up);
    // its terminal closes (SIGHUP): the JVM's shutdown hook stops the stack, without Pekko's
    // "Could not addJvmShutdownHook" WARN from the embedded ElasticMQ
    new ProcessBuilder("kill", "-HUP", Long.toString(up.process().pid())).start().waitFor();
    assertThat(up.process().waitFor(1, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
    assertThat(up.err()).doesNotContain("WARN");
    assertThat(StackConnectionFiles.stateFile(work.resolve("home"))).doesNotExist();

    // status starts a stack of its own, which recovers the unfinished job (and logs it at INFO)
    BuiltCli.Result status = cli.run("status", jobId);

    assertThat(status.exit()).as(status.stderr()).isZero();
    assertThat(status.stdout()).contains("  job " + jobId).doesNotStartWith("COMPLETED");
    assertThat(status.stderr())
        .startsWith("Starting a local stack for this run")
        .doesNotContain("INFO");
  }

  @Test
  void twoIndexRunsWithNoStackTakeTurnsOnTheDataDirectory() throws Exception {
    BuiltCli cli = cli();
    BuiltCli.Running first = cli.start("index", repository("one", 20).toString(), "--json");
    BuiltCli.Running second = cli.start("index", repository("two", 20).toString(), "--json");
    List<BuiltCli.Result> results = List.of(first.await(), second.await());

    ObjectMapper json = new ObjectMapper();
    for (BuiltCli.Result result : results) {
      assertThat(result.exit()).as(result.stderr()).isZero();
      assertThat(json.readTree(result.stdout()).path("status").asText()).isEqualTo("COMPLETED");
      assertThat(json.readTree(result.stdout()).path("completed").asLong()).isEqualTo(20);
      assertThat(result.stderr()).doesNotContain("database is locked").doesNotContain("Exception");
    }
    assertThat(results)
        .filteredOn(result -> result.stderr().contains("Waiting for scripts/index (pid "))
        .hasSize(1);
  }

  /** The state file of a home, as the CLI names it. */
  private static final class StackConnectionFiles {
    static Path stateFile(Path home) {
      return home.resolve("local-stack.json");
    }
  }

  private static void waitUntil(Callable<Boolean> condition, BuiltCli.Running running)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!condition.call()) {
      if (!running.process().isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError(
            "not up; stdout:\n" + running.out() + "\nstderr:\n" + running.err());
      }
      Thread.sleep(200);
    }
  }

  private Path repository(String name, int files) throws Exception {
    Path repo = work.resolve(name);
    if (Files.isDirectory(repo)) {
      return repo;
    }
    Files.createDirectories(repo);
    for (int i = 0; i < files; i++) {
      Files.writeString(
          repo.resolve("F" + i + ".java"),
          "class F" + i + " {\n  int " + name + i + "() { return " + i + "; }\n}\n");
    }
    return repo;
  }
}
