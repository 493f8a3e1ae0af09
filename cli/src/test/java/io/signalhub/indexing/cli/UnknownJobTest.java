package io.signalhub.indexing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Commands that name a job answer a job id the stack does not know the same way: exit 2. */
@ExtendWith(IsolatedHome.class)
class UnknownJobTest {

  @Test
  void statusCancelAndDeleteSayThereIsNoSuchJob() {
    for (String[] args :
        new String[][] {
          {"status", "no-such-job"},
          {"jobs", "cancel", "no-such-job"},
          {"jobs", "delete", "no-such-job"}
        }) {
      CliRun run = CliRun.of(args);

      assertThat(run.exit()).as(String.join(" ", args) + ": " + run.stderr()).isEqualTo(2);
      assertThat(run.stderr()).contains("error: no job 'no-such-job' in ");
    }
  }

  @Test
  void aJobIdThatCannotBeValidIsRefusedBeforeAnyStackStarts() {
    for (String[] args :
        new String[][] {
          {"status", "../../x"},
          {"jobs", "cancel", "../../x"},
          {"jobs", "delete", "../../x"},
          {"search", "retry", "--job", "../../x"}
        }) {
      CliRun run = CliRun.of(args);

      assertThat(run.exit()).as(String.join(" ", args) + ": " + run.stderr()).isEqualTo(2);
      assertThat(run.stderr())
          .isEqualTo(
              "error: malformed job id '../../x': a letter or digit, then letters, digits, '.',"
                  + " '_' or '-', at most 128 characters; 'scripts/jobs' lists the jobs\n");
    }
    // a stack opened for the command would have made its data directory
    assertThat(Files.exists(LocalStackState.home().resolve("data"))).isFalse();
  }
}
