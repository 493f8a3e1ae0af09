package io.signalhub.indexing.core.economy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalhub.indexing.core.pipeline.BlobStore;
import io.signalhub.indexing.core.provider.EmbeddingException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.bedrock.BedrockClient;
import software.amazon.awssdk.services.bedrock.model.BedrockException;
import software.amazon.awssdk.services.bedrock.model.GetModelInvocationJobResponse;
import software.amazon.awssdk.services.bedrock.model.ModelInvocationJobStatus;
import software.amazon.awssdk.services.bedrock.model.S3InputFormat;

/**
 * Bedrock batch inference for Titan Text Embeddings V2
 * (docs.aws.amazon.com/bedrock/latest/userguide/batch-inference.html): the input file is written to
 * the bucket under {@link #INPUT_PREFIX} through the pipeline's {@link BlobStore}, a job is created
 * with {@code CreateModelInvocationJob} (Bedrock reads and writes S3 as the service role, never as
 * this function), read with {@code GetModelInvocationJob}, stopped with {@code
 * StopModelInvocationJob}; Bedrock writes {@code <output prefix><job id>/<input file>.out}, one
 * line per record: {@code {recordId, modelInput, modelOutput: {embedding, inputTextTokenCount}}} or
 * {@code {recordId, modelInput, error: {errorCode, errorMessage}}}, in no particular order.
 *
 * <p>A record id must be alphanumeric, so a request's {@code custom_id} travels hex-encoded ({@code
 * R<hex>}). A job below Bedrock's minimum record count is refused, so an input file with fewer
 * requests is padded with one-token records ({@code P<n>}) that the results leave out: they cost at
 * most {@link #MIN_RECORDS} tokens at the batch price, where the alternative, sending the requests
 * on demand, pays double for all of them.
 */
public final class BedrockBatchApi implements ProviderBatchApi {

  /** Where input files go in the bucket: the service role may read only here. */
  public static final String INPUT_PREFIX = "economy/bedrock/input/";

  /** Where Bedrock writes output: the service role may write only here. */
  public static final String OUTPUT_PREFIX = "economy/bedrock/output/";

  /**
   * The service quota "Minimum number of records per batch inference job" (AWS General Reference,
   * Amazon Bedrock service quotas): 100 by default, not adjustable.
   */
  public static final int MIN_RECORDS = 100;

  /**
   * "Records per input file per batch inference job" (50,000) and "Batch inference input file size"
   * (1 GB), the defaults of Amazon Bedrock's service quotas.
   */
  public static final FileLimits LIMITS = new FileLimits(50_000, 1L << 30);

  /** Bedrock's shortest job timeout, like OpenAI's 24 h window (the API allows 24 to 168). */
  static final int TIMEOUT_HOURS = 24;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PADDING_TEXT = ".";

  private final BedrockClient client;
  private final String model;
  private final BlobStore blobs;
  private final String bucket;
  private final String roleArn;

  /**
   * @param client the Bedrock control-plane client
   * @param model a Titan text embeddings model id
   * @param blobs the pipeline's bucket, where input files are written and output read
   * @param bucket that bucket's name, for the S3 URIs Bedrock is given
   * @param roleArn the service role Bedrock assumes to read input and write output
   */
  public BedrockBatchApi(
      BedrockClient client, String model, BlobStore blobs, String bucket, String roleArn) {
    this.client = Objects.requireNonNull(client, "client must be set");
    this.model = Objects.requireNonNull(model, "model must be set");
    this.blobs = Objects.requireNonNull(blobs, "blobs must be set");
    this.bucket = Objects.requireNonNull(bucket, "bucket must be set");
    this.roleArn = Objects.requireNonNull(roleArn, "roleArn must be set");
  }

  @Override
  public FileLimits limits() {
    return LIMITS;
  }

  /** A Titan V2 request body (the InvokeModel body) under a hex-encoded record id. */
  @Override
  public byte[] line(Request request) {
    return line(recordId(request.customId()), request.text(), request.dimensions());
  }

  private static byte[] line(String recordId, String text, int dimensions) {
    ObjectNode line = JSON.createObjectNode().put("recordId", recordId);
    ObjectNode input = line.putObject("modelInput").put("inputText", text);
    input.put("dimensions", dimensions > 0 ? dimensions : 1024).put("normalize", true);
    return (line + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Writes the input file and creates a job from it. The client request token is derived from the
   * file's name, so a resent submission (a crash before its job id was recorded) gets the same job
   * back instead of a second one. The metadata is not sent as tags: tagging needs another grant,
   * and the job name already says job and submission.
   */
  @Override
  public ProviderBatch submit(String name, byte[] jsonl, Map<String, String> metadata) {
    int records = countLines(jsonl);
    ByteArrayOutputStream file = new ByteArrayOutputStream(jsonl.length + 64 * MIN_RECORDS);
    file.writeBytes(jsonl);
    for (int pad = records; pad < MIN_RECORDS; pad++) {
      file.writeBytes(line("P" + pad, PADDING_TEXT, 0));
    }
    String fileName = BedrockNames.fileName(name);
    String key = INPUT_PREFIX + fileName;
    blobs.put(key, file.toByteArray());
    String jobArn =
        call(() ->
                client.createModelInvocationJob(
                    r ->
                        r.jobName(BedrockNames.jobName(name))
                            .clientRequestToken(BedrockNames.requestToken(name))
                            .roleArn(roleArn)
                            .modelId(model)
                            .timeoutDurationInHours(TIMEOUT_HOURS)
                            .inputDataConfig(
                                in ->
                                    in.s3InputDataConfig(
                                        s3 ->
                                            s3.s3Uri("s3://" + bucket + "/" + key)
                                                .s3InputFormat(S3InputFormat.JSONL)))
                            .outputDataConfig(
                                out ->
                                    out.s3OutputDataConfig(
                                        s3 -> s3.s3Uri("s3://" + bucket + "/" + OUTPUT_PREFIX)))))
            .jobArn();
    return new ProviderBatch(
        jobArn, ProviderBatch.State.VALIDATING, records, 0, 0, null, null, null);
  }

  @Override
  public ProviderBatch get(String batchId) {
    GetModelInvocationJobResponse job =
        call(() -> client.getModelInvocationJob(r -> r.jobIdentifier(batchId)));
    ProviderBatch.State state = state(job.status());
    return new ProviderBatch(
        job.jobArn(),
        state,
        0,
        0,
        0,
        state.terminal() ? outputKey(job) : null,
        null,
        state == ProviderBatch.State.COMPLETED ? null : job.message());
  }

  /** Stops a job: Bedrock bills the records it processed until then. */
  @Override
  public void cancel(String batchId) {
    call(() -> client.stopModelInvocationJob(r -> r.jobIdentifier(batchId)));
  }

  /**
   * The lines of the job's output file (it holds the failed records too); none when the job wrote
   * none (failed validation, or stopped or expired before any record was done).
   */
  @Override
  public List<Result> results(ProviderBatch batch) {
    List<Result> results = new ArrayList<>();
    if (batch.outputFileId() == null) {
      return results;
    }
    byte[] content;
    try {
      content = blobs.read(batch.outputFileId());
    } catch (BlobStore.BlobNotFoundException e) {
      return results;
    }
    for (JsonNode line : BatchResultLines.read(content)) {
      // padding records ("P<n>") carry no request
      if (line.path("recordId").asText().startsWith("R")) {
        results.add(result(line));
      }
    }
    return results;
  }

  /** One output line of a request's record. */
  private static Result result(JsonNode line) {
    String recordId = line.path("recordId").asText();
    String customId =
        new String(HexFormat.of().parseHex(recordId.substring(1)), StandardCharsets.UTF_8);
    JsonNode output = line.path("modelOutput");
    if (output.path("embedding").isArray()) {
      return new Result(
          customId,
          BatchResultLines.vector(output.path("embedding")),
          output.path("inputTextTokenCount").asLong(),
          null);
    }
    JsonNode error = line.path("error");
    return BatchResultLines.failed(
        customId, error.path("errorCode").asInt(), error.path("errorMessage").asText("no result"));
  }

  static String recordId(String customId) {
    return "R" + HexFormat.of().formatHex(customId.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Bedrock's states onto the batch states the pipeline knows. {@code Scheduled} (validated,
   * waiting for capacity) is {@code in_progress} at 0%; {@code PartiallyCompleted} is {@code
   * completed}: its failed records are error lines in the output, counted failed with their reason.
   * A state this SDK does not know keeps the job polled.
   */
  static ProviderBatch.State state(ModelInvocationJobStatus status) {
    return switch (status) {
      case SUBMITTED, VALIDATING -> ProviderBatch.State.VALIDATING;
      case COMPLETED, PARTIALLY_COMPLETED -> ProviderBatch.State.COMPLETED;
      case FAILED -> ProviderBatch.State.FAILED;
      case EXPIRED -> ProviderBatch.State.EXPIRED;
      case STOPPING -> ProviderBatch.State.CANCELLING;
      case STOPPED -> ProviderBatch.State.CANCELLED;
      default -> ProviderBatch.State.IN_PROGRESS;
    };
  }

  /** {@code <output prefix><job id>/<input file name>.out}, as a key of this bucket. */
  private String outputKey(GetModelInvocationJobResponse job) {
    String output = job.outputDataConfig().s3OutputDataConfig().s3Uri();
    String prefix = output.substring(("s3://" + bucket + "/").length());
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      prefix += "/";
    }
    String input = job.inputDataConfig().s3InputDataConfig().s3Uri();
    String jobId = job.jobArn().substring(job.jobArn().lastIndexOf('/') + 1);
    return prefix + jobId + "/" + input.substring(input.lastIndexOf('/') + 1) + ".out";
  }

  private static int countLines(byte[] jsonl) {
    int lines = 0;
    for (byte b : jsonl) {
      if (b == '\n') {
        lines++;
      }
    }
    return lines;
  }

  /**
   * Throttling, a service quota reached (too many jobs in progress), 5xx and network failures are
   * retried through the caller's queue message; the rest is fatal with Bedrock's message.
   */
  private static <T> T call(java.util.function.Supplier<T> request) {
    try {
      return request.get();
    } catch (BedrockException e) {
      String message =
          "Bedrock batch inference answered "
              + e.statusCode()
              + ": "
              + (e.awsErrorDetails() != null ? e.awsErrorDetails().errorMessage() : e.getMessage());
      String code = e.awsErrorDetails() != null ? e.awsErrorDetails().errorCode() : "";
      if (e.isThrottlingException()
          || e.statusCode() >= 500
          || "ServiceQuotaExceededException".equals(code)) {
        throw EmbeddingException.retryable(message, e);
      }
      throw EmbeddingException.fatal(message);
    } catch (SdkClientException e) {
      throw EmbeddingException.retryable("Bedrock request failed: " + e.getMessage(), e);
    }
  }
}
