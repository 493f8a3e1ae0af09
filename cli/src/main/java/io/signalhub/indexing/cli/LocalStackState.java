package io.signalhub.indexing.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalhub.indexing.core.provider.ProviderSettings;
import io.signalhub.indexing.local.runtime.LocalRuntime;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The state file through which commands share a running local stack ({@code
 * $SIGNAL_HUB_HOME/local-stack.json}): its endpoints, what it embeds with and which process runs
 * it, written by 'scripts/local-stack up' or by an index run that started a stack for itself,
 * deleted by the process that wrote it when its stack stops.
 */
final class LocalStackState {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** 'local-stack up': any command may use it. */
  static final String MODE_SHARED = "up";

  /** A stack an index run started for itself: it stops when the run ends. */
  static final String MODE_RUN = "run";

  private LocalStackState() {}

  /** $SIGNAL_HUB_HOME, default ~/.signal-hub: the local stack's state file and data. */
  static Path home() {
    String configured = System.getProperty("signal-hub.home", System.getenv("SIGNAL_HUB_HOME"));
    return configured != null && !configured.isBlank()
        ? Path.of(configured)
        : Path.of(System.getProperty("user.home"), ".signal-hub");
  }

  static Path file() {
    return home().resolve("local-stack.json");
  }

  /** The state file of a running local stack, if its status URL answers. */
  static Optional<JsonNode> running() {
    return read().filter(LocalStackState::answers);
  }

  /** The state file, whether or not its stack still runs. */
  static Optional<JsonNode> read() {
    Path file = file();
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readTree(file.toFile()));
    } catch (IOException | RuntimeException unreadable) {
      return Optional.empty();
    }
  }

  private static boolean answers(JsonNode state) {
    try {
      new StatusClient(URI.create(state.get("status").asText())).list(1);
      return true;
    } catch (IOException | RuntimeException stale) {
      return false;
    }
  }

  /**
   * Records a running stack for other commands: its endpoints, what it embeds with, who runs it.
   *
   * @param mode {@link #MODE_SHARED} for 'local-stack up', {@link #MODE_RUN} for an index run's
   * @param dataDir its data, or null in memory
   */
  static void write(LocalRuntime stack, String mode, Path dataDir, ProviderSettings provider)
      throws IOException {
    Files.createDirectories(home());
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("mode", mode);
    state.put("pid", ProcessHandle.current().pid());
    state.put("s3", stack.s3Endpoint().toString());
    state.put("sqs", stack.sqsEndpoint().toString());
    state.put("dynamodb", stack.dynamoEndpoint().toString());
    state.put("status", stack.statusUrl().toString());
    state.put("bucket", stack.bucket());
    state.put("provider", provider.provider());
    state.put("model", stack.provider().model());
    if (provider.baseUrl() != null) {
      state.put("baseUrl", provider.baseUrl().toString());
    }
    state.put("concurrency", stack.pipeline().settings().concurrency());
    state.put("data", dataDir == null ? "memory" : dataDir.toString());
    state.put("exports", stack.exports());
    state.put("startedAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    JSON.writerWithDefaultPrettyPrinter().writeValue(file().toFile(), state);
  }

  /**
   * A running stack's state as lines a person reads: who runs it and since when, what it embeds
   * with, its endpoints, its data.
   */
  static String describe(JsonNode state, Instant now) {
    boolean shared = MODE_SHARED.equals(state.path("mode").asText());
    String row = "  %-11s %s%n";
    StringBuilder text = new StringBuilder();
    text.append(
        String.format(
            "A local stack is running: pid %s, %s%s%n",
            state.path("pid").asText(),
            shared ? "started by 'scripts/local-stack up'" : "started by a scripts/index run",
            since(state.path("startedAt").asText(null), now)));
    text.append(
        String.format(
            row,
            "embeds with",
            state.path("provider").asText()
                + "/"
                + state.path("model").asText()
                + (state.hasNonNull("baseUrl") ? " at " + state.get("baseUrl").asText() : "")
                + ", at most "
                + state.path("concurrency").asText()
                + " batches at once"));
    text.append(
        String.format(
            row,
            "S3",
            state.path("s3").asText() + "  (bucket " + state.path("bucket").asText() + ")"));
    text.append(String.format(row, "SQS", state.path("sqs").asText()));
    text.append(String.format(row, "DynamoDB", state.path("dynamodb").asText()));
    text.append(String.format(row, "status", state.path("status").asText() + "/jobs"));
    text.append(String.format(row, "page", state.path("status").asText() + "/"));
    String data = state.path("data").asText();
    text.append(
        String.format(row, "data", data.equals("memory") ? "in memory: nothing is kept" : data));
    text.append(
        shared
            ? "Stop it: scripts/local-stack down.  Its exports: scripts/local-stack env.\n"
            : "It stops when that run ends.\n");
    return text.toString();
  }

  /** ", since 2026-12-06T03:50:12Z (12 min ago)"; "" for a state file that does not say. */
  private static String since(String startedAt, Instant now) {
    if (startedAt == null) {
      return "";
    }
    Duration up = Duration.between(Instant.parse(startedAt), now);
    String ago =
        up.toHours() > 0
            ? up.toHours() + " h " + up.toMinutesPart() + " min"
            : up.toMinutes() > 0 ? up.toMinutes() + " min" : up.toSeconds() + " s";
    return ", since " + startedAt + " (" + ago + " ago)";
  }

  /** Deletes the state file if this process wrote it. */
  static void deleteOwn() throws IOException {
    Optional<JsonNode> state = read();
    if (state.isPresent() && state.get().path("pid").asLong() == ProcessHandle.current().pid()) {
      Files.deleteIfExists(file());
    }
  }
}
