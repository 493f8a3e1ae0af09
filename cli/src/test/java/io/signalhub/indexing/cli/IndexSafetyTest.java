package io.signalhub.indexing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.signalhub.indexing.simulator.SimulatedEmbeddingServer;
import io.signalhub.indexing.simulator.SimulatorSettings;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** What {@code index} refuses to do or send: secrets, an unreachable provider, an empty job. */
@ExtendWith(IsolatedHome.class)
class IndexSafetyTest {

  @TempDir Path repo;

  @Test
  void secretFilesAndSecretShapedChunksNeverReachTheProvider() throws Exception {
    Files.writeString(repo.resolve("cart.py"), "def total(prices):\n    return sum(prices)\n");
    Files.writeString(repo.resolve(".env"), "API_KEY=sk-live-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c\n");
    Files.writeString(
        repo.resolve("client.py"),
        "def client():\n    return Client(key=\"AKIAIOSFODNN7EXAMPLE\")\n");
    Files.writeString(repo.resolve(".signalhubignore"), "fixtures/\n");
    Files.createDirectories(repo.resolve("fixtures"));
    Files.writeString(repo.resolve("fixtures/customers.py"), "CUSTOMERS = ['Ada', 'Linus']\n");
    try (var server =
        SimulatedEmbeddingServer.start(SimulatorSettings.builder().logInputs(true).build())) {
      CliRun run = CliRun.index(repo, server);

      assertThat(run.exit()).as(run.stderr()).isZero();
      JsonNode summary = run.json();
      assertThat(summary.path("skipped").path("SECRET_FILE").asLong()).isEqualTo(1);
      assertThat(summary.path("skipped").path("SECRET_TEXT").asLong()).isEqualTo(1);
      assertThat(summary.path("skipped").path("SIGNALHUBIGNORED").asLong()).isEqualTo(1);
      String sent = String.join("\n", server.stats().inputsReceived());
      assertThat(sent)
          .contains("def total")
          .doesNotContain("sk-live-", "AKIAIOSFODNN7EXAMPLE", "CUSTOMERS");
    }
  }

  @Test
  void anUnreachableProviderFailsBeforeAnythingIsUploaded() throws Exception {
    Files.writeString(repo.resolve("cart.py"), "def total(prices):\n    return sum(prices)\n");
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }

    CliRun run =
        CliRun.of(
            "index",
            repo.toString(),
            "--provider",
            "openai",
            "--base-url",
            "http://127.0.0.1:" + closedPort + "/v1");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.stderr())
        .startsWith("error: cannot reach the embedding provider (openai at http://127.0.0.1:")
        .contains("Check --base-url")
        .doesNotContain("Starting a local stack", "Uploading");
  }

  @Test
  void anEmptyDirectoryIsNothingToIndexToldBeforeAnyStackStarts() throws Exception {
    CliRun run = CliRun.of("index", repo.toString(), "--json");

    assertThat(run.exit()).as(run.stderr()).isEqualTo(1);
    assertThat(run.json().path("status").asText()).isEqualTo("FAILED");
    assertThat(run.json().path("reason").asText())
        .isEqualTo("nothing to index in " + repo + ": no files");
    assertThat(run.stderr()).doesNotContain("Starting a local stack", "Uploading");
    assertThat(LocalStackState.home().resolve("data")).doesNotExist();
  }

  @Test
  void aDirectoryWhoseEveryFileIsSkippedSaysWhyBeforeAnyStackStarts() throws Exception {
    Files.write(repo.resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0});
    Files.write(repo.resolve("icon.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1});
    Files.createDirectories(repo.resolve("node_modules/left-pad"));
    Files.writeString(repo.resolve("node_modules/left-pad/index.js"), "module.exports = 1;\n");

    CliRun run = CliRun.of("index", repo.toString());

    assertThat(run.exit()).as(run.stderr()).isEqualTo(1);
    assertThat(run.stdout())
        .isEqualTo(
            "FAILED  nothing to index in "
                + repo
                + ": every file skipped (binary 2, vendored or generated 1)\n"
                + "  skipped    binary 2, vendored or generated 1\n"
                + "             icon.png (binary)\n"
                + "             logo.png (binary)\n"
                + "             node_modules/ (vendored or generated)\n");
    assertThat(LocalStackState.home().resolve("data")).doesNotExist();
  }

  @Test
  void inProcessAnEmptyDirectoryIsNothingToIndexToo() throws Exception {
    Files.writeString(repo.resolve(".env"), "TOKEN=x\n");

    CliRun run = CliRun.of("index", repo.toString(), "--in-process", "--json");

    assertThat(run.exit()).as(run.stderr()).isEqualTo(1);
    assertThat(run.json().path("status").asText()).isEqualTo("FAILED");
    assertThat(run.json().path("reason").asText()).startsWith("nothing to index: no chunk in ");
    assertThat(run.json().path("skipped").path("SECRET_FILE").asLong()).isEqualTo(1);
  }
}
