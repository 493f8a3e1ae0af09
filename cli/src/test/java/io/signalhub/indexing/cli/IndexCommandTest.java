package io.signalhub.indexing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalhub.indexing.core.provider.ProviderCheck;
import io.signalhub.indexing.core.token.Cl100kTokenCounter;
import io.signalhub.indexing.simulator.SimulatedEmbeddingServer;
import io.signalhub.indexing.simulator.SimulatorSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@ExtendWith(IsolatedHome.class)
class IndexCommandTest {

  @TempDir Path repo;

  @Test
  void indexesADirectoryOnTheLocalStackAndPrintsTheSummaryAsOneJsonObject() throws Exception {
    Files.writeString(repo.resolve("A.java"), "class A {\n  int a() { return 1; }\n}\n");
    Files.writeString(repo.resolve("b.py"), "def b():\n    return 2\n");
    Files.write(repo.resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0});
    try (var server = SimulatedEmbeddingServer.start(SimulatorSettings.builder().build())) {
      ByteArrayOutputStream stdout = new ByteArrayOutputStream();
      PrintStream original = System.out;
      int exit;
      try {
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        exit =
            new CommandLine(new SignalHubCli())
                .execute(
                    "index",
                    repo.toString(),
                    "--provider",
                    "openai",
                    "--base-url",
                    server.baseUrl().toString(),
                    "--json");
      } finally {
        System.setOut(original);
      }

      assertThat(exit).isZero();
      JsonNode summary = new ObjectMapper().readTree(stdout.toString(StandardCharsets.UTF_8));
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
      assertThat(summary.has("elapsedSeconds")).isTrue();
    }
  }

  @Test
  void aMissingDirectoryIsAClearError() {
    int exit =
        new CommandLine(new SignalHubCli()).execute("index", repo.resolve("nope").toString());
    assertThat(exit).isEqualTo(2);
  }
}
