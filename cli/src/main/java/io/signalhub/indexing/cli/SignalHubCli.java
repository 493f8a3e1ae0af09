package io.signalhub.indexing.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code signal-hub}: index a codebase, follow a job, search the index. */
@Command(
    name = "signal-hub",
    mixinStandardHelpOptions = true,
    version = SignalHubCli.VERSION,
    description = "Makes codebases searchable by AI assistants: chunk, embed in batches, store.",
    subcommands = {
      IndexCommand.class,
      StatusCommand.class,
      SearchCommand.class,
      JobsCommand.class,
      LocalStackCommand.class
    })
public final class SignalHubCli {

  static final String VERSION = "signal-hub 0.1.0";

  /** Exit codes, as the README documents them. */
  static final int OK = 0;

  static final int FAILED = 1;
  static final int USAGE = 2;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The command line as users meet it: every command answers {@code -V}; bad usage and bad
   * configuration ({@link UsageException}, thrown before any work starts) are one line on stderr
   * and exit 2; any other failure is one line and exit 1 (the stack trace only with
   * SIGNAL_HUB_DEBUG=1).
   */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new SignalHubCli()).setCaseInsensitiveEnumValuesAllowed(true);
    for (CommandLine sub : cli.getSubcommands().values()) {
      sub.getCommandSpec().version(VERSION);
    }
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          boolean usage = e instanceof UsageException;
          String message = e.getMessage() == null ? e.toString() : e.getMessage();
          commandLine.getErr().println("error: " + message);
          if (System.getenv("SIGNAL_HUB_DEBUG") != null) {
            e.printStackTrace(commandLine.getErr());
          }
          return usage ? USAGE : FAILED;
        });
    return cli;
  }
}
