package io.signalhub.indexing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalhub.indexing.simulator.SimulatedEmbeddingServer;
import io.signalhub.indexing.simulator.SimulatorSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Ctrl-C as a user presses it: {@code index} runs in its own JVM and gets a real SIGINT half-way.
 * The job must end CANCELLED with a summary and exit 130, the provider must get no further calls,
 * and a re-run must start clean (nothing recovered) and pay only for what was not done.
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "sends SIGINT with kill(1)")
class CtrlCCancelsTheJobTest {

  private static final int FILES = 24;

  @TempDir Path repo;
  @TempDir Path home;

  private record Finished(int exit, String stdout, String stderr) {}

  /** A running CLI whose output is drained from the start, so a full pipe never blocks it. */
  private record Running(
      Process process,
      ByteArrayOutputStream out,
      ByteArrayOutputStream err,
      Thread outPump,
      Thread errPump) {
    static Running of(Process process) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread outPump = new Thread(() -> pump(process.getInputStream(), out));
      Thread errPump = new Thread(() -> pump(process.getErrorStream(), err));
      outPump.start();
      errPump.start();
      return new Running(process, out, err, outPump, errPump);
    }

    Finished finish() throws Exception {
      boolean exited = process.waitFor(300, TimeUnit.SECONDS);
      if (!exited) {
        process.destroyForcibly();
      }
      outPump.join();
      errPump.join();
      String stderr = err.toString(StandardCharsets.UTF_8);
      assertThat(exited).as("exited; stderr:%n%s", stderr).isTrue();
      return new Finished(process.exitValue(), out.toString(StandardCharsets.UTF_8), stderr);
    }
  }

  private Running index(SimulatedEmbeddingServer server, String... extra) throws Exception {
    List<String> command = new ArrayList<>();
    // a shell that starts a job in the background (nohup, '&' without job control) hands it
    // SIGINT ignored, and an ignored signal stays ignored across exec: a terminal's Ctrl-C is not
    command.addAll(List.of("env", "--default-signal=INT"));
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
    command.add(SignalHubCli.class.getName());
    command.addAll(
        List.of(
            "index",
            repo.toString(),
            "--repository",
            "shop",
            "--provider",
            "openai",
            "--base-url",
            server.baseUrl().toString(),
            // two calls in flight: with more, all 12 batches can be at the provider before Ctrl-C
            "--concurrency",
            "2"));
    command.addAll(List.of(extra));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("SIGNAL_HUB_HOME", home.toString());
    builder.environment().put("SIGNAL_HUB_EMBEDDING_BATCH_SIZE", "2");
    builder.environment().put("OPENAI_API_KEY", "sk-test");
    builder.environment().remove("SIGNAL_HUB_STATUS_URL");
    return Running.of(builder.start());
  }

  private static void pump(java.io.InputStream in, ByteArrayOutputStream to) {
    try {
      in.transferTo(to);
    } catch (java.io.IOException ignored) {
      // the process ended
    }
  }

  @Test
  void aCtrlCThatComesAsTheJobFinishesLeavesTheExitCodeToTheJob() {
    assertThat(PipelineRun.exitCode("CANCELLED", true)).isEqualTo(130);
    assertThat(PipelineRun.exitCode("COMPLETED", true)).isZero();
    assertThat(PipelineRun.exitCode("COMPLETED_WITH_FAILURES", true)).isEqualTo(1);
    assertThat(PipelineRun.exitCode("COMPLETED", false)).isZero();
    assertThat(PipelineRun.exitCode("CANCELLED", false)).isEqualTo(1); // scripts/jobs cancel
  }

  @Test
  void ctrlCCancelsTheJobPrintsWhatWasDoneExits130AndAReRunPaysOnlyForTheRest() throws Exception {
    for (int i = 0; i < FILES; i++) {
      Files.writeString(
          repo.resolve("handler" + i + ".py"),
          "def handle_" + i + "(event):\n    return route(event, shard=" + i + ")\n");
    }
    try (var server =
        SimulatedEmbeddingServer.start(
            SimulatorSettings.builder().apiKey("sk-test").fixedLatencyMillis(1500).build())) {
      Running first = index(server);
      // half-way: some batches embedded, most still queued
      long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
      // the provider check is one request; then the job's batches (12, two chunks each)
      while (server.stats().served() < 3
          && first.process().isAlive()
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      if (!first.process().isAlive()) {
        Finished early = first.finish();
        throw new AssertionError(
            "ended before Ctrl-C with " + early.exit() + ":\n" + early.stdout() + early.stderr());
      }
      assertThat(server.stats().served())
          .as("batches embedded before Ctrl-C")
          .isGreaterThanOrEqualTo(3);
      new ProcessBuilder("kill", "-INT", Long.toString(first.process().pid())).start().waitFor();
      Finished cancelled = first.finish();

      assertThat(cancelled.exit()).as(cancelled.stderr()).isEqualTo(130);
      assertThat(cancelled.stdout()).as(cancelled.stderr()).startsWith("CANCELLED  job shop-");
      assertThat(cancelled.stdout()).contains("reason: cancelled by the user (Ctrl-C)");
      assertThat(cancelled.stderr()).contains("Ctrl-C: cancelling the job").contains("Cancelled: ");
      long callsAtExit = server.stats().requests();
      assertThat(callsAtExit).isLessThan(FILES / 2);
      Thread.sleep(1000); // nothing may keep calling once the command has exited
      assertThat(server.stats().requests()).isEqualTo(callsAtExit);

      server.stats().reset();
      Finished rerun = index(server, "--json").finish();

      assertThat(rerun.exit()).as(rerun.stderr()).isZero();
      JsonNode summary = new ObjectMapper().readTree(rerun.stdout());
      assertThat(summary.path("status").asText()).isEqualTo("COMPLETED");
      assertThat(summary.path("total").asLong()).isEqualTo(FILES);
      assertThat(summary.path("cached").asLong()).isPositive();
      // every chunk once: cached, or embedded now (besides the provider check's one input)
      assertThat(summary.path("cached").asLong() + server.stats().inputs() - 1).isEqualTo(FILES);
      assertThat(rerun.stderr()).doesNotContain("Recovered job");
    }

    System.setProperty("signal-hub.home", home.toString());
    ByteArrayOutputStream listed = new ByteArrayOutputStream();
    PrintStream original = System.out;
    try {
      System.setOut(new PrintStream(listed, true, StandardCharsets.UTF_8));
      assertThat(new CommandLine(new SignalHubCli()).execute("jobs", "list")).isZero();
    } finally {
      System.setOut(original);
      System.clearProperty("signal-hub.home");
    }
    assertThat(listed.toString(StandardCharsets.UTF_8).lines())
        .anyMatch(line -> line.startsWith("shop-") && line.contains(" CANCELLED "))
        .anyMatch(line -> line.startsWith("shop-") && line.contains(" COMPLETED "));
  }
}
