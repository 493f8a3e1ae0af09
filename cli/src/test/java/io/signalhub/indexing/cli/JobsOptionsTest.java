package io.signalhub.indexing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code jobs} options out of range are usage errors, refused before any stack is opened. */
@ExtendWith(IsolatedHome.class)
class JobsOptionsTest {

  @Test
  void anOutOfRangeLimitOrKeepExitsTwoWithoutOpeningAStack() {
    for (String[] args :
        new String[][] {
          {"jobs", "list", "--limit", "0"},
          {"jobs", "list", "--limit", "101"},
          {"jobs", "prune", "--keep", "0"}
        }) {
      CliRun run = CliRun.of(args);

      assertThat(run.exit()).as(String.join(" ", args) + ": " + run.stderr()).isEqualTo(2);
      assertThat(run.stderr())
          .startsWith("error: " + args[2] + " must be ")
          .endsWith("; got " + args[3] + System.lineSeparator());
    }
    // a stack opened for the command would have made its data directory
    assertThat(Files.exists(LocalStackState.home().resolve("data"))).isFalse();
  }
}
