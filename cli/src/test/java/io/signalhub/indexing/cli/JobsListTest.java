package io.signalhub.indexing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.signalhub.indexing.simulator.SimulatedEmbeddingServer;
import io.signalhub.indexing.simulator.SimulatorSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code jobs list} for programs: one JSON document, and a cursor that reaches the next page. */
@ExtendWith(IsolatedHome.class)
class JobsListTest {

  @TempDir Path repo;

  @Test
  void jsonListsTheJobsNewestFirstWithACursorToTheNextPage() throws Exception {
    Files.writeString(repo.resolve("b.py"), "def b():\n    return 2\n");
    String first;
    String second;
    try (var server = SimulatedEmbeddingServer.start(SimulatorSettings.builder().build())) {
      first = CliRun.index(repo, server, "--repository", "one").json().path("jobId").asText();
      second = CliRun.index(repo, server, "--repository", "two").json().path("jobId").asText();
    }

    CliRun all = CliRun.of("jobs", "list", "--json");
    CliRun newest = CliRun.of("jobs", "list", "--limit", "1", "--json");

    assertThat(all.exit()).as(all.stderr()).isZero();
    JsonNode jobs = all.json().path("jobs");
    assertThat(jobs).hasSize(2);
    assertThat(all.json().has("nextCursor")).isFalse();
    JsonNode job = jobs.get(0);
    assertThat(job.path("jobId").asText()).isEqualTo(second);
    assertThat(job.path("status").asText()).isEqualTo("COMPLETED");
    assertThat(job.path("repository").asText()).isEqualTo("two");
    assertThat(job.path("completed").asLong()).isEqualTo(1);
    assertThat(job.path("failed").isNumber()).isTrue();
    assertThat(job.path("total").asLong()).isEqualTo(1);
    assertThat(job.path("createdAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*");

    assertThat(newest.json().path("jobs")).hasSize(1);
    String cursor = newest.json().path("nextCursor").asText();
    CliRun next = CliRun.of("jobs", "list", "--limit", "1", "--cursor", cursor, "--json");
    assertThat(next.json().path("jobs").get(0).path("jobId").asText()).isEqualTo(first);
    assertThat(CliRun.of("jobs", "list", "--limit", "1").stdout())
        .contains("More: scripts/jobs list --cursor " + cursor);
  }

  @Test
  void aCursorNoListPrintedIsAUsageError() {
    CliRun run = CliRun.of("jobs", "list", "--cursor", "not-a-cursor");

    assertThat(run.exit()).as(run.stderr()).isEqualTo(2);
    assertThat(run.stderr()).contains("\nerror: --cursor 'not-a-cursor' is not one 'jobs list'");
  }
}
