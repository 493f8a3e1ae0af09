package io.signalhub.indexing.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalhub.indexing.aws.AwsEndpoints;
import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.core.pipeline.PipelineSettings;
import io.signalhub.indexing.core.provider.ProviderSettings;
import io.signalhub.indexing.localstack.runtime.LocalStack;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Where the CLI sends work: a deployed or already running stack named by the environment ({@code
 * SIGNAL_HUB_STATUS_URL}, {@code SIGNAL_HUB_BUCKET}, {@code AWS_ENDPOINT_URL_*}), the stack {@code
 * scripts/local-stack up} is running (its state file), or a local stack started for this command
 * and stopped after it.
 */
final class StackConnection implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  final AwsPipeline pipeline;
  final StatusClient status;
  final String description;
  private final LocalStack owned;

  private StackConnection(
      AwsPipeline pipeline, StatusClient status, String description, LocalStack owned) {
    this.pipeline = pipeline;
    this.status = status;
    this.description = description;
    this.owned = owned;
  }

  /** $SIGNAL_HUB_HOME, default ~/.signal-hub: the local stack's state file and data. */
  static Path home() {
    String configured = System.getProperty("signal-hub.home", System.getenv("SIGNAL_HUB_HOME"));
    return configured != null && !configured.isBlank()
        ? Path.of(configured)
        : Path.of(System.getProperty("user.home"), ".signal-hub");
  }

  static Path stateFile() {
    return home().resolve("local-stack.json");
  }

  static StackConnection open(ProviderSettings provider) throws Exception {
    Optional<String> statusUrl =
        Optional.ofNullable(System.getenv("SIGNAL_HUB_STATUS_URL")).filter(v -> !v.isBlank());
    if (statusUrl.isPresent()) {
      AwsPipeline pipeline = AwsPipeline.fromConfig(PipelineSettings.systemLookup());
      return new StackConnection(
          pipeline,
          new StatusClient(URI.create(statusUrl.get())),
          "the stack at " + statusUrl.get(),
          null);
    }
    Optional<JsonNode> running = runningLocalStack();
    if (running.isPresent()) {
      JsonNode state = running.get();
      AwsEndpoints endpoints =
          AwsEndpoints.local(
              URI.create(state.get("s3").asText()),
              URI.create(state.get("sqs").asText()),
              URI.create(state.get("dynamodb").asText()));
      PipelineSettings settings =
          PipelineSettings.from(
              key ->
                  key.equals("signal-hub.bucket")
                      ? Optional.of(state.get("bucket").asText())
                      : PipelineSettings.systemLookup().apply(key));
      return new StackConnection(
          new AwsPipeline(settings, endpoints, Clock.systemUTC()),
          new StatusClient(URI.create(state.get("status").asText())),
          "the local stack (scripts/local-stack up)",
          null);
    }
    Path data = home().resolve("data");
    System.err.println(
        "Starting a local stack for this run (data in "
            + data
            + "; 'scripts/local-stack up' keeps one running) ...");
    LocalStack stack =
        LocalStack.start(LocalStack.Ports.ANY, data, provider, PipelineSettings.systemLookup());
    return new StackConnection(
        stack.pipeline(),
        new StatusClient(stack.statusUrl()),
        "a local stack started for this run",
        stack);
  }

  /** The state file of a running {@code local-stack up}, if its status URL answers. */
  static Optional<JsonNode> runningLocalStack() {
    Path file = stateFile();
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      JsonNode state = JSON.readTree(file.toFile());
      new StatusClient(URI.create(state.get("status").asText())).list(1);
      return Optional.of(state);
    } catch (IOException | RuntimeException stale) {
      return Optional.empty();
    }
  }

  static void writeState(LocalStack stack) throws IOException {
    Files.createDirectories(home());
    JSON.writerWithDefaultPrettyPrinter()
        .writeValue(
            stateFile().toFile(),
            Map.of(
                "s3", stack.s3Endpoint().toString(),
                "sqs", stack.sqsEndpoint().toString(),
                "dynamodb", stack.dynamoEndpoint().toString(),
                "status", stack.statusUrl().toString(),
                "bucket", stack.bucket(),
                "exports", stack.exports(),
                "pid", ProcessHandle.current().pid()));
  }

  /** True if this command started the local stack (it stops when the command ends). */
  boolean ownsStack() {
    return owned != null;
  }

  String bucket() {
    return pipeline.settings().bucket();
  }

  @Override
  public void close() throws Exception {
    if (owned != null) {
      owned.close();
    } else {
      pipeline.close();
    }
  }
}
