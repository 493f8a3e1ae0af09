package io.signalhub.indexing.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalhub.indexing.simulator.SimulatedEmbeddingServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One CLI command run in this JVM as {@code main} would run it: its exit code, stdout, stderr. */
record CliRun(int exit, String stdout, String stderr) {

  static synchronized CliRun of(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int exit = SignalHubCli.commandLine().execute(args);
      return new CliRun(
          exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
  }

  /** {@code index} the directory on a stack it starts, embedding with the simulator, as JSON. */
  static CliRun index(Path repo, SimulatedEmbeddingServer server, String... options) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "index",
                repo.toString(),
                "--provider",
                "openai",
                "--base-url",
                server.baseUrl().toString(),
                "--json"));
    args.addAll(List.of(options));
    return of(args.toArray(String[]::new));
  }

  JsonNode json() throws Exception {
    return new ObjectMapper().readTree(stdout);
  }
}
