package io.signalhub.indexing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code local-stack status} says in lines what runs, where, with what data, since when. */
@ExtendWith(IsolatedHome.class)
class LocalStackStatusTest {

  @Test
  void statusPrintsReadableLinesAndTheStateFileBehindJson() throws Exception {
    // a status API that answers, as a running stack's does
    HttpServer api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    api.createContext(
        "/jobs",
        exchange -> {
          byte[] body = "{\"jobs\":[]}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    api.start();
    String status = "http://127.0.0.1:" + api.getAddress().getPort();
    try {
      Files.createDirectories(LocalStackState.home());
      Files.writeString(
          LocalStackState.file(),
          """
          {"mode":"up","pid":4242,"s3":"http://127.0.0.1:4572","sqs":"http://127.0.0.1:4576",
           "dynamodb":"http://127.0.0.1:4569","status":"%s","bucket":"signal-hub-local",
           "provider":"openai","model":"text-embedding-3-small","baseUrl":"http://127.0.0.1:8089/v1",
           "concurrency":4,"data":"/home/me/.signal-hub/data","exports":"export X=1",
           "startedAt":"2026-01-02T03:04:05Z"}
          """
              .formatted(status));

      CliRun text = CliRun.of("local-stack", "status");
      CliRun json = CliRun.of("local-stack", "status", "--json");

      assertThat(text.exit()).as(text.stderr()).isZero();
      assertThat(text.stdout())
          .startsWith(
              "A local stack is running: pid 4242, started by 'scripts/local-stack up', since"
                  + " 2026-01-02T03:04:05Z (")
          .contains(
              "  embeds with openai/text-embedding-3-small at http://127.0.0.1:8089/v1, at most 4"
                  + " batches at once\n")
          .contains("  S3          http://127.0.0.1:4572  (bucket signal-hub-local)\n")
          .contains("  status      " + status + "/jobs\n")
          .contains("  data        /home/me/.signal-hub/data\n")
          .contains("Stop it: scripts/local-stack down.")
          .doesNotContain("{");
      assertThat(json.exit()).isZero();
      assertThat(json.json().path("pid").asLong()).isEqualTo(4242);
      assertThat(json.json().path("status").asText()).isEqualTo(status);
    } finally {
      api.stop(0);
    }
  }

  @Test
  void jsonIsRefusedForTheOtherActions() {
    CliRun run = CliRun.of("local-stack", "down", "--json");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.stderr()).isEqualTo("error: --json applies to 'status'; drop it for 'down'\n");
  }
}
