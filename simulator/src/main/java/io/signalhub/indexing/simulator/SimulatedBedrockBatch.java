package io.signalhub.indexing.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Bedrock batch inference's control plane for Titan text embeddings, as the simulator serves it
 * (docs.aws.amazon.com/bedrock/latest/APIReference): {@code CreateModelInvocationJob}, {@code
 * GetModelInvocationJob} and {@code StopModelInvocationJob} in their REST-JSON shapes; the input
 * JSONL is read from and the output written to an S3 server ({@link S3Objects}), as Bedrock does
 * with its service role.
 *
 * <p>A job's status is a function of simulated time since it was created: {@code Submitted}, then
 * {@code Validating} for {@link SimulatorSettings#batchValidatingSeconds}, {@code Scheduled}, then
 * {@code InProgress} for the in-progress and finalizing seconds, then {@code Completed}, or {@code
 * PartiallyCompleted} when some records failed (error lines). A job still running when its timeout
 * ({@code timeoutDurationInHours}, or the shorter {@link SimulatorSettings#batchWindowSeconds})
 * passes is {@code Expired} with the records done by then in its output; a stopped one goes {@code
 * Stopping} for a second, then {@code Stopped}, likewise. Validation ({@link BedrockBatchInput})
 * fails a job with too few or too many records, or a line that is not a record. Every record
 * processed is billed at the batch price ({@link SimulatorStats#batchTokens()}).
 */
final class SimulatedBedrockBatch {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long SECOND = 1_000_000_000L;
  private static final Pattern ROLE_ARN =
      Pattern.compile("arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+");
  private static final Pattern JOB_NAME =
      Pattern.compile("[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9+\\-.]){0,63}");

  private final SimulatorSettings settings;
  private final SimulatorStats stats;
  private final LongSupplier now;
  private final S3Objects s3;
  private final Instant origin = Instant.now();
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final Map<String, String> byToken = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  SimulatedBedrockBatch(
      SimulatorSettings settings, SimulatorStats stats, LongSupplier now, S3Objects s3) {
    this.settings = settings;
    this.stats = stats;
    this.now = now;
    this.s3 = s3;
  }

  static Reply ok(JsonNode body) {
    return Reply.json(200, body);
  }

  /** An AWS REST-JSON error: the type in {@code x-amzn-ErrorType}, {@code {"message"}}. */
  static Reply error(int status, String type, String message) {
    return Reply.json(
        status, JSON.createObjectNode().put("message", message), Map.of("x-amzn-ErrorType", type));
  }

  int jobsCreated() {
    return jobs.size();
  }

  int jobsStopped() {
    return (int) jobs.values().stream().filter(job -> job.stoppedAt != null).count();
  }

  synchronized Reply create(JsonNode request) throws IOException {
    String token = request.path("clientRequestToken").asText("");
    if (!token.isEmpty() && byToken.containsKey(token)) {
      // idempotent: the same token gets the job it already created
      return ok(JSON.createObjectNode().put("jobArn", byToken.get(token)));
    }
    String input = request.at("/inputDataConfig/s3InputDataConfig/s3Uri").asText("");
    String output = request.at("/outputDataConfig/s3OutputDataConfig/s3Uri").asText("");
    int timeoutHours = request.path("timeoutDurationInHours").asInt(168);
    String problem =
        !JOB_NAME.matcher(request.path("jobName").asText("")).matches()
            ? "jobName must match " + JOB_NAME
            : !ROLE_ARN.matcher(request.path("roleArn").asText("")).matches()
                ? "roleArn must be an IAM role's ARN"
                : !settings.models().contains(request.path("modelId").asText(""))
                    ? "The provided model identifier is invalid."
                    : !input.endsWith(".jsonl") || !output.startsWith("s3://")
                        ? "inputDataConfig must name one .jsonl object, outputDataConfig an s3://"
                            + " location"
                        : timeoutHours < 24 || timeoutHours > 168
                            ? "timeoutDurationInHours must be between 24 and 168"
                            : null;
    if (problem != null) {
      return error(400, "ValidationException", problem);
    }
    String id = "%012x".formatted(ids.incrementAndGet() * 7919 + 0x5eed);
    String arn = "arn:aws:bedrock:us-east-1:000000000000:model-invocation-job/" + id;
    Job job = new Job(arn, id, (ObjectNode) request, s3.get(input), now.getAsLong());
    jobs.put(id, job);
    if (!token.isEmpty()) {
      byToken.put(token, arn);
    }
    stats.batchesCreated.incrementAndGet();
    return ok(JSON.createObjectNode().put("jobArn", arn));
  }

  Reply get(String identifier) throws IOException {
    Job job = find(identifier);
    return job == null ? notFound(identifier) : ok(job.view(now.getAsLong()));
  }

  /** Stops a running job; a job already ended is left as it is. */
  Reply stop(String identifier) {
    Job job = find(identifier);
    if (job == null) {
      return notFound(identifier);
    }
    job.stop(now.getAsLong());
    return ok(JSON.createObjectNode());
  }

  private Job find(String identifier) {
    return jobs.get(identifier.substring(identifier.lastIndexOf('/') + 1));
  }

  private static Reply notFound(String identifier) {
    return error(
        404, "ResourceNotFoundException", "The specified job " + identifier + " was not found.");
  }

  /** One job; its status follows from simulated time, its output is written once. */
  private final class Job {
    final String arn;
    final String id;
    final ObjectNode request;
    final long createdAt;
    final List<BedrockBatchInput.Line> lines;
    final String validationError;
    Long stoppedAt;
    String settled;

    Job(String arn, String id, ObjectNode request, byte[] input, long createdAt) {
      this.arn = arn;
      this.id = id;
      this.request = request;
      this.createdAt = createdAt;
      BedrockBatchInput read = BedrockBatchInput.read(input, settings);
      lines = read.lines();
      validationError = read.error();
    }

    synchronized void stop(long at) {
      if (stoppedAt == null && settled == null && !terminal(status(at))) {
        stoppedAt = at;
      }
    }

    private long validatedAt() {
      return createdAt + (long) (settings.batchValidatingSeconds() * SECOND);
    }

    private long processedAt() {
      return validatedAt()
          + (long)
              ((settings.batchInProgressSeconds() + settings.batchFinalizingSeconds()) * SECOND);
    }

    private long expiresAt() {
      double seconds =
          Math.min(
              request.path("timeoutDurationInHours").asInt(168) * 3600.0,
              settings.batchWindowSeconds());
      return createdAt + (long) (seconds * SECOND);
    }

    private int doneBy(long at) {
      if (at <= validatedAt()) {
        return 0;
      }
      if (at >= processedAt()) {
        return lines.size();
      }
      return (int) (lines.size() * (double) (at - validatedAt()) / (processedAt() - validatedAt()));
    }

    private boolean terminal(String status) {
      return Set.of("Completed", "PartiallyCompleted", "Failed", "Stopped", "Expired")
          .contains(status);
    }

    private String status(long at) {
      if (settled != null) {
        return settled;
      }
      long submitted = createdAt + (validatedAt() - createdAt) / 10;
      if (validationError != null) {
        return at < submitted ? "Submitted" : at < validatedAt() ? "Validating" : "Failed";
      }
      if (stoppedAt != null) {
        return at < stoppedAt + SECOND ? "Stopping" : "Stopped";
      }
      if (at >= expiresAt() && expiresAt() < processedAt()) {
        return "Expired";
      }
      if (at < validatedAt()) {
        return at < submitted ? "Submitted" : "Validating";
      }
      if (at < processedAt()) {
        return at < validatedAt() + (processedAt() - validatedAt()) / 10
            ? "Scheduled"
            : "InProgress";
      }
      return "Completed";
    }

    synchronized ObjectNode view(long at) throws IOException {
      String status = status(at);
      if (settled == null && terminal(status)) {
        settled = settle(status);
      }
      ObjectNode node = JSON.createObjectNode().put("jobArn", arn);
      for (String field :
          List.of(
              "jobName", "modelId", "clientRequestToken", "roleArn", "timeoutDurationInHours")) {
        if (request.has(field)) {
          node.set(field, request.get(field));
        }
      }
      node.put("status", settled != null ? settled : status);
      if (validationError != null && settled != null) {
        node.put("message", validationError);
      }
      node.put("submitTime", instant(createdAt)).put("lastModifiedTime", instant(at));
      if (settled != null) {
        node.put("endTime", instant(at));
      }
      node.set("inputDataConfig", request.get("inputDataConfig"));
      node.set("outputDataConfig", request.get("outputDataConfig"));
      return node.put("jobExpirationTime", instant(expiresAt()));
    }

    private String instant(long simulatedNanos) {
      return origin.plusNanos(simulatedNanos).toString();
    }

    /** Writes the output of the records done by now, once, and bills them. */
    private String settle(String status) throws IOException {
      if (validationError != null) {
        return status;
      }
      int done =
          switch (status) {
            case "Completed" -> lines.size();
            case "Expired" -> doneBy(expiresAt());
            default -> doneBy(stoppedAt);
          };
      List<BedrockBatchInput.Line> served = new ArrayList<>(lines.subList(0, done));
      // Bedrock does not keep the input order in the output: clients match by recordId
      Collections.shuffle(served, new Random(id.hashCode()));
      StringBuilder output = new StringBuilder();
      long tokens = 0;
      int failed = 0;
      for (BedrockBatchInput.Line line : served) {
        ObjectNode row = JSON.createObjectNode().put("recordId", line.recordId());
        row.set("modelInput", line.modelInput());
        SimulatedTitan.Answer answer = SimulatedTitan.answer(line.modelInput(), settings);
        if (answer.error() != null) {
          failed++;
          row.putObject("error").put("errorCode", 400).put("errorMessage", answer.error());
        } else {
          tokens += answer.tokens();
          row.set("modelOutput", answer.body());
        }
        output.append(row).append('\n');
      }
      String location = request.at("/outputDataConfig/s3OutputDataConfig/s3Uri").asText();
      String folder = (location.endsWith("/") ? location : location + "/") + id + "/";
      String input = request.at("/inputDataConfig/s3InputDataConfig/s3Uri").asText();
      s3.put(
          folder + input.substring(input.lastIndexOf('/') + 1) + ".out",
          output.toString().getBytes(StandardCharsets.UTF_8));
      ObjectNode manifest =
          JSON.createObjectNode()
              .put("totalRecordCount", lines.size())
              .put("processedRecordCount", done)
              .put("successRecordCount", done - failed)
              .put("errorRecordCount", failed)
              .put("inputTokenCount", tokens)
              .put("outputTokenCount", 0);
      s3.put(folder + "manifest.json.out", manifest.toString().getBytes(StandardCharsets.UTF_8));
      stats.batchInputs.addAndGet(done - failed);
      stats.batchTokens.addAndGet(tokens);
      return "Completed".equals(status) && failed > 0 ? "PartiallyCompleted" : status;
    }
  }
}
