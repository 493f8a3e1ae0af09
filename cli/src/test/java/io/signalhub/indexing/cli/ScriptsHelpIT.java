package io.signalhub.indexing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every entry point in scripts/ answers --help at once, with exit code 0, and starts nothing: no
 * build, no benchmark, no deployment. The best of two runs must take under 2 s (the first may pay
 * for a cold page cache on a busy machine).
 */
class ScriptsHelpIT {

  private static final Path SCRIPTS = Path.of("..", "scripts").toAbsolutePath().normalize();

  private record Answer(int exit, String output, Duration took) {}

  @Test
  void everyScriptAnswersHelpInUnderTwoSeconds() throws Exception {
    List<Path> scripts;
    try (Stream<Path> files = Files.list(SCRIPTS)) {
      scripts =
          files
              .filter(Files::isExecutable)
              .filter(file -> !file.getFileName().toString().contains("."))
              .sorted()
              .toList();
    }
    assertThat(scripts.stream().map(p -> p.getFileName().toString()))
        .contains("index", "status", "search", "local-stack", "bench", "deploy", "synth", "test");
    for (Path script : scripts) {
      Answer first = help(script);
      Answer best = first.took().compareTo(Duration.ofSeconds(2)) < 0 ? first : help(script);
      String name = script.getFileName().toString();
      assertThat(best.exit()).as(name + " --help: " + best.output()).isZero();
      assertThat(best.output()).as(name).contains(name);
      assertThat(best.output()).as(name).doesNotContain("Building").doesNotContain("error");
      assertThat(best.took()).as(name + " --help took").isLessThan(Duration.ofSeconds(2));
    }
  }

  @Test
  void benchAcceptsEveryOptionItsHelpListsAndRefusesOthersBeforeBuilding() throws Exception {
    Answer help = help(SCRIPTS.resolve("bench"));
    List<String> options =
        java.util.regex.Pattern.compile("scripts/bench (--[a-z-]+(?:=[A-Z]+)?)")
            .matcher(help.output())
            .results()
            .map(m -> m.group(1))
            .distinct()
            .toList();
    assertThat(options)
        .contains("--quick", "--json", "--json-out=FILE", "--quota", "--rate-limit", "--economy");
    for (String option : options) {
      // the listed option passes; the parser stops at the unknown one after it, before building
      Answer answer = run(SCRIPTS.resolve("bench"), option, "--nonsense");
      assertThat(answer.exit()).as(option).isEqualTo(2);
      assertThat(answer.output())
          .as(option)
          .startsWith("error: unknown argument '--nonsense'")
          .doesNotContain("Building");
    }
  }

  @Test
  void synthAndDeployRefuseUnknownContextKeysAndValuesBeforeBuilding() throws Exception {
    for (String script : List.of("synth", "deploy")) {
      Answer unknownValue = run(SCRIPTS.resolve(script), "-c", "provider=cohere");
      assertThat(unknownValue.exit()).as(script).isEqualTo(2);
      assertThat(unknownValue.output())
          .isEqualTo(
              "error: -c provider=cohere: choose one of bedrock, openai, azure-openai, local\n");
      Answer misspelt = run(SCRIPTS.resolve(script), "-c", "provdier=openai");
      assertThat(misspelt.exit()).as(script).isEqualTo(2);
      assertThat(misspelt.output())
          .startsWith("error: unknown context key 'provdier' (did you mean 'provider'?)");
      Answer outOfRange = run(SCRIPTS.resolve(script), "-c", "embedderConcurrency=1");
      assertThat(outOfRange.exit()).as(script).isEqualTo(2);
      assertThat(outOfRange.output()).contains("must be between 2 and 1000");
    }
  }

  @Test
  void deployChecksTheRegionAndCredentialsBeforeBuilding(@TempDir Path home) throws Exception {
    Map<String, String> noAws = new java.util.HashMap<>();
    noAws.put("HOME", home.toString()); // no ~/.aws
    noAws.put("AWS_CONFIG_FILE", home.resolve("none").toString());
    noAws.put("AWS_SHARED_CREDENTIALS_FILE", home.resolve("none").toString());
    noAws.put("AWS_EC2_METADATA_DISABLED", "true");
    Answer noRegion = run(SCRIPTS.resolve("deploy"), noAws, List.of());
    assertThat(noRegion.exit()).isEqualTo(2);
    assertThat(noRegion.output()).startsWith("error: no AWS region; export AWS_REGION=");

    noAws.put("AWS_REGION", "nowhere-1");
    Answer badRegion = run(SCRIPTS.resolve("deploy"), noAws, List.of());
    assertThat(badRegion.exit()).isEqualTo(2);
    assertThat(badRegion.output()).contains("'nowhere-1' is not an AWS region name");

    noAws.put("AWS_REGION", "eu-west-3");
    Answer noCredentials = run(SCRIPTS.resolve("deploy"), noAws, List.of());
    assertThat(noCredentials.exit()).isEqualTo(2);
    assertThat(noCredentials.output())
        .containsAnyOf("AWS credentials do not work in eu-west-3", "error: no AWS credentials")
        .doesNotContain("Building");
  }

  private static Answer run(Path script, Map<String, String> env, List<String> args)
      throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(script.toString()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    for (String name :
        List.of(
            "AWS_REGION",
            "AWS_DEFAULT_REGION",
            "AWS_PROFILE",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN")) {
      builder.environment().remove(name);
    }
    builder.environment().putAll(env);
    return answer(script.toString(), System.nanoTime(), builder.start());
  }

  private static Answer help(Path script) throws Exception {
    return run(script, "--help");
  }

  private static Answer run(Path script, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(script.toString()));
    command.addAll(List.of(args));
    long started = System.nanoTime();
    return answer(
        String.join(" ", command),
        started,
        new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  private static Answer answer(String name, long started, Process process) throws Exception {
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(name + " still runs after 60 s:\n" + output);
    }
    return new Answer(process.exitValue(), output, Duration.ofNanos(System.nanoTime() - started));
  }
}
