package io.signalhub.indexing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalhub.indexing.core.provider.EmbeddingProviders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Help that reads well at 80 columns, and the scripts' fallback help that agrees with the CLI. */
class HelpTextTest {

  @Test
  void everyDescriptionIsOneParagraphThatPicocliWrapsAtEightyColumns() {
    Deque<CommandLine> commands = new ArrayDeque<>();
    commands.add(SignalHubCli.commandLine());
    while (!commands.isEmpty()) {
      CommandLine command = commands.pop();
      commands.addAll(command.getSubcommands().values());
      String name = command.getCommandSpec().qualifiedName();
      // lines given one by one are wrapped one by one: a break in mid-sentence at each
      assertThat(command.getCommandSpec().usageMessage().description()).as(name).hasSize(1);
      assertThat(command.getUsageMessage().lines())
          .as(name)
          .allMatch(line -> line.length() <= 80, "fits 80 columns");
    }
  }

  @Test
  void jobsHelpListsEachSubcommandsWholeDescription() {
    String help = CliRun.of("jobs", "--help").stdout().replaceAll("\\s+", " ");

    assertThat(help)
        .contains("(cancelled first if it is running). Sources and the embedding cache stay")
        .contains("(each job's vectors are a full copy: docs/vectors.md). Running jobs are never");
  }

  @Test
  void theIndexScriptsFallbackHelpListsTheProvidersTheCliAccepts() throws Exception {
    // printed by scripts/lib.sh from the header comment when no jar is built yet
    String header = Files.readString(Path.of("..", "scripts", "index"));
    Matcher providers = Pattern.compile("--provider ([a-z|-]+)").matcher(header);

    assertThat(providers.find()).isTrue();
    assertThat(Arrays.asList(providers.group(1).split("\\|")))
        .containsExactlyInAnyOrderElementsOf(EmbeddingProviders.names());
  }

  @Test
  void noScriptsFallbackHelpSendsTheReaderToItself() throws Exception {
    // the header comment is what '--help' prints before a build: a pointer to '--help' is circular
    try (var scripts = Files.list(Path.of("..", "scripts"))) {
      for (Path script : scripts.filter(Files::isExecutable).toList()) {
        String name = script.getFileName().toString();
        String header =
            Files.readString(script)
                .lines()
                .takeWhile(line -> !line.startsWith("set "))
                .collect(java.util.stream.Collectors.joining("\n"));
        assertThat(header)
            .as(name)
            .doesNotContain("scripts/" + name + " --help")
            .doesNotContain("scripts/" + name + " -h");
      }
    }
  }
}
