package io.signalhub.indexing.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code signal-hub}: index a codebase, follow a job, search the index. */
@Command(
    name = "signal-hub",
    mixinStandardHelpOptions = true,
    version = "signal-hub 0.1.0",
    description = "Makes codebases searchable by AI assistants: chunk, embed in batches, store.",
    subcommands = {
      IndexCommand.class,
      StatusCommand.class,
      SearchCommand.class,
      JobsCommand.class,
      LocalStackCommand.class
    })
public final class SignalHubCli {

  public static void main(String[] args) {
    int exit =
        new CommandLine(new SignalHubCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    System.exit(exit);
  }
}
