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

/**
 * {@code search} as programs and users of an OpenAI-compatible server meet it: one JSON document,
 * the server named by --base-url, an unreachable one reported with what to check, an index that
 * lacks chunks said to.
 */
@ExtendWith(IsolatedHome.class)
class SearchCommandTest {

  @TempDir Path repo;

  private void writeSources() throws Exception {
    Files.writeString(repo.resolve("A.java"), "class A {\n  int a() { return 1; }\n}\n");
    Files.writeString(repo.resolve("b.py"), "def b():\n    return 2\n");
  }

  private static CliRun search(SimulatedEmbeddingServer server, String... options) {
    java.util.List<String> args =
        new java.util.ArrayList<>(
            java.util.List.of("search", "return", "--base-url", server.baseUrl().toString()));
    args.addAll(java.util.List.of(options));
    return CliRun.of(args.toArray(String[]::new));
  }

  @Test
  void jsonIsOneDocumentWithTheQueryTheJobAndEachResultsPathLinesScoreAndText() throws Exception {
    writeSources();
    try (var server = SimulatedEmbeddingServer.start(SimulatorSettings.builder().build())) {
      String jobId =
          CliRun.index(repo, server, "--repository", "shop").json().path("jobId").asText();

      CliRun run = search(server, "--repository", "shop", "-k", "2", "--json");

      assertThat(run.exit()).as(run.stderr()).isZero();
      JsonNode found = run.json();
      assertThat(found.path("query").asText()).isEqualTo("return");
      assertThat(found.path("job").path("jobId").asText()).isEqualTo(jobId);
      assertThat(found.path("job").path("status").asText()).isEqualTo("COMPLETED");
      assertThat(found.path("job").path("model").asText()).isEqualTo("text-embedding-3-small");
      assertThat(found.path("chunks").asLong()).isEqualTo(2);
      assertThat(found.path("complete").asBoolean()).isTrue();
      assertThat(found.has("incomplete")).isFalse();
      assertThat(found.path("results")).hasSize(2);
      JsonNode b =
          found.path("results").get(0).path("path").asText().equals("b.py")
              ? found.path("results").get(0)
              : found.path("results").get(1);
      assertThat(b.path("path").asText()).isEqualTo("b.py");
      assertThat(b.path("startLine").asInt()).isEqualTo(1);
      assertThat(b.path("endLine").asInt()).isEqualTo(2);
      assertThat(b.path("score").isDouble()).isTrue();
      assertThat(b.path("text").asText()).isEqualTo("def b():\n    return 2\n");
      assertThat(found.path("results").get(0).path("score").asDouble())
          .isGreaterThanOrEqualTo(found.path("results").get(1).path("score").asDouble());
    }
  }

  @Test
  void anUnreachableProviderIsExitTwoNamingItsUrlAndWhatToCheck() throws Exception {
    writeSources();
    try (var server = SimulatedEmbeddingServer.start(SimulatorSettings.builder().build())) {
      assertThat(CliRun.index(repo, server).exit()).isZero();
    }
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + closed + "/v1";

    CliRun run = CliRun.of("search", "return", "--base-url", url);

    assertThat(run.exit()).as(run.stderr()).isEqualTo(2);
    assertThat(run.stderr())
        .contains("\nerror: cannot reach the embedding provider (openai at " + url + "): ")
        .endsWith(". Check --base-url (or OPENAI_BASE_URL) and that the server is running.\n");
  }

  @Test
  void aBaseUrlIsRefusedForAJobEmbeddedWithAProviderThatIgnoresIt() throws Exception {
    writeSources();
    CliRun index = CliRun.of("index", repo.toString(), "--repository", "shop", "--json");
    assertThat(index.exit()).as(index.stderr()).isZero();
    String jobId = index.json().path("jobId").asText();

    CliRun run = CliRun.of("search", "return", "--base-url", "http://127.0.0.1:9/v1");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.stderr())
        .endsWith(
            "\nerror: --base-url applies to --provider bedrock or openai; job "
                + jobId
                + " was embedded with local, which ignores it: drop --base-url\n");
  }

  @Test
  void aJobWhoseIndexLacksChunksSaysHowManyItHoldsInTextAndJson() throws Exception {
    writeSources();
    Files.writeString(repo.resolve("c.py"), "poison = 3\n");
    try (var server =
        SimulatedEmbeddingServer.start(
            SimulatorSettings.builder().rejectInput(text -> text.contains("poison")).build())) {
      CliRun index = CliRun.index(repo, server);
      assertThat(index.json().path("status").asText()).isEqualTo("COMPLETED_WITH_FAILURES");
      String jobId = index.json().path("jobId").asText();
      String note =
          "job " + jobId + " ended COMPLETED_WITH_FAILURES: its index holds 2 of 3 chunks";

      CliRun text = search(server, "--job", jobId);
      CliRun json = search(server, "--job", jobId, "--json");

      assertThat(text.exit()).as(text.stderr()).isZero();
      assertThat(text.stdout().lines().toList().get(1)).isEqualTo(note);
      assertThat(json.json().path("complete").asBoolean()).isFalse();
      assertThat(json.json().path("incomplete").asText()).isEqualTo(note);
      assertThat(json.json().path("chunks").asLong()).isEqualTo(2);
      assertThat(json.json().path("job").path("total").asLong()).isEqualTo(3);
    }
  }
}
