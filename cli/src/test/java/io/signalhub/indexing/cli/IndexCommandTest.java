package io.signalhub.indexing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.signalhub.indexing.core.provider.ProviderCheck;
import io.signalhub.indexing.core.token.Cl100kTokenCounter;
import io.signalhub.indexing.simulator.DenseCode;
import io.signalhub.indexing.simulator.SimulatedEmbeddingServer;
import io.signalhub.indexing.simulator.SimulatorSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(IsolatedHome.class)
class IndexCommandTest {

  @TempDir Path repo;

  private CliRun indexWith(SimulatedEmbeddingServer server, String... options) {
    return CliRun.index(repo, server, options);
  }

  @Test
  void indexesADirectoryOnTheLocalStackAndPrintsTheSummaryAsOneJsonObject() throws Exception {
    Files.writeString(repo.resolve("A.java"), "class A {\n  int a() { return 1; }\n}\n");
    Files.writeString(repo.resolve("b.py"), "def b():\n    return 2\n");
    Files.write(repo.resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0});
    try (var server = SimulatedEmbeddingServer.start(SimulatorSettings.builder().build())) {
      CliRun run = indexWith(server);

      assertThat(run.exit()).isZero();
      JsonNode summary = run.json();
      assertThat(summary.path("status").asText()).isEqualTo("COMPLETED");
      assertThat(summary.path("total").asLong()).isEqualTo(2);
      assertThat(summary.path("completed").asLong()).isEqualTo(2);
      // the provider saw the job's one call and, before the upload, the provider check's one
      assertThat(summary.path("apiCalls").asLong()).isEqualTo(1);
      assertThat(server.stats().requests()).isEqualTo(2);
      assertThat(summary.path("tokens").asLong())
          .isEqualTo(
              server.stats().tokens() - Cl100kTokenCounter.instance().count(ProviderCheck.PROBE));
      assertThat(summary.path("skipped").path("BINARY").asLong()).isEqualTo(1);
      assertThat(summary.path("skippedFiles").path("logo.png").asText()).isEqualTo("BINARY");
      assertThat(summary.has("elapsedSeconds")).isTrue();
    }
  }

  @Test
  void batchSizeAndChunkTokensActOnTheStackPathThroughTheManifest() throws Exception {
    StringBuilder longFile = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      longFile.append("def f").append(i).append("(x):\n    return x * ").append(i).append("\n\n");
    }
    Files.writeString(repo.resolve("long.py"), longFile);
    Files.writeString(repo.resolve("b.py"), "def b():\n    return 2\n");
    try (var server = SimulatedEmbeddingServer.start(SimulatorSettings.builder().build())) {
      CliRun run =
          indexWith(server, "--batch-size", "1", "--chunk-tokens", "32", "--concurrency", "2");

      assertThat(run.exit()).isZero();
      JsonNode summary = run.json();
      // 32-token chunks split the long file; one chunk per request (plus the provider check's)
      assertThat(summary.path("total").asLong()).isGreaterThan(4);
      assertThat(summary.path("apiCalls").asLong())
          .isEqualTo(summary.path("total").asLong())
          .isEqualTo(server.stats().requests() - 1);
    }
  }

  @Test
  void economyIndexesThroughTheBatchApiAndSaysHowToFollowTheJob() throws Exception {
    Files.writeString(repo.resolve("A.java"), "class A {\n  int a() { return 1; }\n}\n");
    Files.writeString(repo.resolve("b.py"), "def b():\n    return 2\n");
    System.setProperty("signal-hub.economy.poll-seconds", "1");
    try (var server =
        SimulatedEmbeddingServer.start(
            SimulatorSettings.builder().batchDurations(0, 0, 0).build())) {
      CliRun run = indexWith(server, "--economy");

      assertThat(run.exit()).as(run.stderr()).isZero();
      JsonNode summary = run.json();
      assertThat(summary.path("status").asText()).isEqualTo("COMPLETED");
      assertThat(summary.path("completed").asLong()).isEqualTo(2);
      // the provider check went on demand; the job's two chunks through one provider batch
      assertThat(server.stats().served()).isEqualTo(1);
      assertThat(server.stats().batchesCreated()).isEqualTo(1);
      assertThat(server.stats().batchInputs()).isEqualTo(2);
      assertThat(run.stderr())
          .contains("in economy mode")
          .containsPattern("Follow it: scripts/status [a-z0-9._-]+");
    } finally {
      System.clearProperty("signal-hub.economy.poll-seconds");
    }
  }

  @Test
  void aRunThatWaitedForTheDataDirectoryLeavesTheWaitOutOfItsElapsedTime() throws Exception {
    Files.writeString(repo.resolve("a.py"), "x = 1\n");
    // another run's stack holds the data directory for the first 3 s
    DataDirLock other =
        DataDirLock.tryAcquire(LocalStackState.home().resolve("data"), "another run").orElseThrow();
    try (var server = SimulatedEmbeddingServer.start(SimulatorSettings.builder().build())) {
      long started = System.nanoTime();
      CompletableFuture<CliRun> running = CompletableFuture.supplyAsync(() -> indexWith(server));
      Thread.sleep(3_000);
      other.close();
      CliRun run = running.get(5, TimeUnit.MINUTES);
      double wall = (System.nanoTime() - started) / 1e9;

      assertThat(run.exit()).as(run.stderr()).isZero();
      assertThat(run.stderr())
          .contains("Waiting for another run (pid ")
          .containsPattern("Waited [2-9]\\.[0-9] s for the data directory");
      assertThat(run.json().path("elapsedSeconds").asDouble()).isLessThan(wall - 2);
    }
  }

  @Test
  void economyAndDetachNeedAStack() {
    CliRun run = CliRun.of("index", repo.toString(), "--in-process", "--economy");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.stderr()).startsWith("error: --economy and --detach need a stack");
  }

  @Test
  void detachWithNoStackToLeaveTheJobOnIsRefusedBeforeAnyStackStarts() throws Exception {
    Files.writeString(repo.resolve("a.py"), "x = 1\n");

    CliRun run = CliRun.of("index", repo.toString(), "--detach");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.stdout()).isEmpty();
    assertThat(run.stderr())
        .isEqualTo(
            "error: --detach leaves the job on a stack that keeps running, and none is (no"
                + " 'scripts/local-stack up', no SIGNAL_HUB_STATUS_URL): a stack started for this"
                + " run would stop with it; start 'scripts/local-stack up' in another terminal, or"
                + " drop --detach\n");
    assertThat(LocalStackState.home().resolve("data")).doesNotExist();
  }

  @Test
  void economyWithTheEmbeddedModelIsRefusedBeforeAnyStackStarts() throws Exception {
    Files.writeString(repo.resolve("a.py"), "x = 1\n");
    CliRun run = CliRun.of("index", repo.toString(), "--economy");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.stderr())
        .isEqualTo(
            "error: --economy needs a provider with a batch API (openai, or bedrock with Titan"
                + " Text Embeddings V2); a local stack started for this run embeds with local,"
                + " which costs nothing on demand: drop --economy, or index with --provider openai"
                + " (OPENAI_API_KEY)\n");
  }

  @Test
  void aMissingDirectoryIsNotCalledANonDirectory() {
    CliRun run = CliRun.of("index", repo.resolve("nope").toString());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.stderr()).isEqualTo("error: " + repo.resolve("nope") + " does not exist\n");
  }

  @Test
  void aRepositoryNameThatCannotStartAJobIdIsRefusedBeforeAnythingStarts() throws Exception {
    Files.writeString(repo.resolve("a.py"), "x = 1\n");

    CliRun run = CliRun.of("index", repo.toString(), "--repository", "../../etc");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.stderr())
        .isEqualTo(
            "error: --repository '../../etc' is not a valid repository name: a letter or digit,"
                + " then letters, digits, '.', '_' or '-' (others become '-'), at most 107"
                + " characters, since it starts the job id\n");
    assertThat(LocalStackState.home().resolve("data")).doesNotExist();
  }

  @Test
  void aBaseUrlTheProviderIgnoresIsRefusedNamingTheProvidersItActsOn() throws Exception {
    Files.writeString(repo.resolve("a.py"), "x = 1\n");
    for (String[] provider : new String[][] {{}, {"--provider", "azure-openai"}}) {
      List<String> args =
          new ArrayList<>(List.of("index", repo.toString(), "--base-url", "http://127.0.0.1:9"));
      args.addAll(List.of(provider));

      CliRun run = CliRun.of(args.toArray(String[]::new));

      assertThat(run.exit()).as(run.stderr()).isEqualTo(2);
      assertThat(run.stderr())
          .startsWith("error: --base-url applies to --provider bedrock or openai; this run's")
          .contains("provider is " + (provider.length == 0 ? "local" : "azure-openai"))
          .contains("drop --base-url");
    }
    assertThat(LocalStackState.home().resolve("data")).doesNotExist();
  }

  @Test
  void badConfigurationIsOneLineAndExitTwoBeforeAnyStackStarts() throws Exception {
    Files.writeString(repo.resolve("a.py"), "x = 1\n");
    String[][] cases = {
      {"index", repo.toString(), "--provider", "cohere"},
      {"index", repo.toString(), "--provider", "local", "--model", "text-embedding-3-small"},
      {"index", repo.toString(), "--provider", "openai"},
      {"index", repo.toString(), "--batch-size", "0"},
      {"index", repo.toString(), "--chunk-tokens", "5"},
      {"index", repo.toString(), "--concurrency", "0"},
      {"index", repo.toString(), "--in-process", "--repository", "r"},
      {"search", ""},
      {"search", "retry", "-k", "0"},
    };
    for (String[] args : cases) {
      CliRun run = CliRun.of(args);
      assertThat(run.exit()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(run.stderr().lines().toList())
          .as(String.join(" ", args))
          .hasSize(1)
          .allMatch(line -> line.startsWith("error: "));
      assertThat(LocalStackState.home().resolve("data"))
          .as("no stack started for: " + String.join(" ", args))
          .doesNotExist();
    }
    assertThat(CliRun.of("index", repo.toString(), "--provider", "cohere").stderr())
        .contains("Unknown embedding provider 'cohere'");
  }

  @Test
  void everyCommandsHelpShowsRealDefaultsAndEveryCommandHasAVersion() {
    for (String command : new String[] {"index", "status", "search", "local-stack"}) {
      CliRun help = CliRun.of(command, "--help");
      assertThat(help.exit()).isZero();
      assertThat(help.stdout()).as(command).contains("Usage:").doesNotContain("null");
      CliRun version = CliRun.of(command, "-V");
      assertThat(version.exit()).isZero();
      assertThat(version.stdout()).as(command).contains(SignalHubCli.VERSION);
    }
  }

  @Test
  void oneBatchIsSingular() {
    IndexSummary summary =
        new IndexSummary(
            "j",
            "COMPLETED",
            null,
            "local",
            "m",
            1,
            null,
            1,
            1,
            0,
            0,
            1,
            1,
            0,
            1,
            0,
            null,
            1,
            1,
            java.util.Map.of(),
            java.util.Map.of(),
            java.util.List.of());
    assertThat(summary.toText())
        .contains("1 in 1 batch (")
        .contains(", 1 token\n")
        .contains(" from 1 file: ");
  }

  @Test
  void inProcessCompletesUnderATokensPerMinuteQuotaSmallerThanOneBatchOfAHundred()
      throws Exception {
    long total = 0;
    for (String text : DenseCode.texts(14, 2400, 3)) {
      Files.writeString(repo.resolve("dense_" + total + ".py"), text);
      total += DenseCode.tokens(text);
    }
    assertThat(total).isBetween(32_000L, 36_000L);
    // 30,000 tokens/min: one batch of 100 (all ~75 chunks) holds more than the provider ever
    // accepts. Requests sized by the provider start at a sixteenth of its request limit and, once
    // an answer tells the quota, carry a tenth of it; the rest waits for the quota to refill
    try (var server =
        SimulatedEmbeddingServer.start(
            SimulatorSettings.builder().tokensPerMinute(30_000).dimensions(8).build())) {
      CliRun run =
          CliRun.of(
              "index",
              repo.toString(),
              "--in-process",
              "--provider",
              "openai",
              "--base-url",
              server.baseUrl().toString(),
              "--json");
      int exit = run.exit();
      JsonNode summary = run.json();
      assertThat(summary.path("status").asText()).isEqualTo("COMPLETED");
      assertThat(exit).isZero();
      assertThat(summary.path("failed").asLong()).isZero();
      assertThat(summary.path("completed").asLong()).isEqualTo(summary.path("total").asLong());
      assertThat(server.stats().tooLarge()).isZero();
      assertThat(server.stats().throttled()).isLessThanOrEqualTo(1);
      assertThat(server.stats().tokens()).isGreaterThan(30_000);
    }
  }
}
