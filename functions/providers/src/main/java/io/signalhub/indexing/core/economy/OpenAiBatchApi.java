package io.signalhub.indexing.core.economy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalhub.indexing.core.provider.EmbeddingException;
import io.signalhub.indexing.core.token.Cl100kTokenCounter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * OpenAI's Batch API for {@code /v1/embeddings} (platform.openai.com/docs/guides/batch): {@code
 * POST /files} (multipart, purpose {@code batch}), {@code POST /batches} (completion window 24 h),
 * {@code GET /batches/{id}}, {@code GET /files/{id}/content}. A 429 or 5xx is thrown retryable (the
 * caller, a queue message, is redelivered); other errors are fatal with the provider's message.
 */
public final class OpenAiBatchApi implements ProviderBatchApi {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String base;
  private final String apiKey;
  private final FileLimits limits;
  private final HttpClient http;
  private final Duration timeout;

  /**
   * @param baseUrl e.g. https://api.openai.com/v1
   * @param apiKey the bearer key; null for none
   * @param limits the per-file limits ({@link FileLimits#OPENAI})
   */
  public OpenAiBatchApi(URI baseUrl, String apiKey, FileLimits limits) {
    String text = Objects.requireNonNull(baseUrl, "baseUrl must be set").toString();
    this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    this.apiKey = apiKey;
    this.limits = Objects.requireNonNull(limits, "limits must be set");
    this.timeout = Duration.ofSeconds(120);
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  @Override
  public FileLimits limits() {
    return limits;
  }

  @Override
  public byte[] line(Request request) {
    ObjectNode line = JSON.createObjectNode().put("custom_id", request.customId());
    line.put("method", "POST").put("url", "/v1/embeddings");
    ObjectNode body = line.putObject("body").put("model", request.model());
    body.put("input", Cl100kTokenCounter.withoutSpecialTokens(request.text()));
    body.put("encoding_format", "float");
    if (request.dimensions() > 0) {
      body.put("dimensions", request.dimensions());
    }
    return (line + "\n").getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public ProviderBatch submit(String name, byte[] jsonl, Map<String, String> metadata) {
    String boundary = "signalhub" + UUID.randomUUID().toString().replace("-", "");
    ByteArrayOutputStream form = new ByteArrayOutputStream(jsonl.length + 512);
    form.writeBytes(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + name.replace("\"", "")
                + "\"\r\nContent-Type: application/jsonl\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    form.writeBytes(jsonl);
    form.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    JsonNode file =
        json(
            send(
                authorized(HttpRequest.newBuilder(URI.create(base + "/files")))
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(form.toByteArray()))));
    ObjectNode create =
        JSON.createObjectNode()
            .put("input_file_id", file.path("id").asText())
            .put("endpoint", "/v1/embeddings")
            .put("completion_window", "24h");
    ObjectNode labels = create.putObject("metadata");
    metadata.forEach(labels::put);
    return batch(
        json(
            send(
                authorized(HttpRequest.newBuilder(URI.create(base + "/batches")))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(create.toString())))));
  }

  @Override
  public ProviderBatch get(String batchId) {
    return batch(
        json(send(authorized(HttpRequest.newBuilder(URI.create(base + "/batches/" + batchId))))));
  }

  @Override
  public void cancel(String batchId) {
    send(
        authorized(HttpRequest.newBuilder(URI.create(base + "/batches/" + batchId + "/cancel")))
            .POST(HttpRequest.BodyPublishers.noBody()));
  }

  @Override
  public List<Result> results(ProviderBatch batch) {
    List<Result> results = new ArrayList<>();
    for (String fileId : new String[] {batch.outputFileId(), batch.errorFileId()}) {
      if (fileId == null) {
        continue;
      }
      byte[] content =
          send(
              authorized(
                  HttpRequest.newBuilder(URI.create(base + "/files/" + fileId + "/content"))));
      BatchResultLines.read(content).forEach(line -> results.add(result(line)));
    }
    return results;
  }

  /** An output or error file line: {@code {custom_id, response: {status_code, body}, error}}. */
  private static Result result(JsonNode line) {
    String customId = line.path("custom_id").asText();
    JsonNode response = line.path("response");
    JsonNode body = response.path("body");
    if (response.path("status_code").asInt() == 200 && body.path("data").size() == 1) {
      JsonNode usage = body.path("usage");
      return new Result(
          customId,
          BatchResultLines.vector(body.path("data").get(0).path("embedding")),
          usage.path("total_tokens").asLong(usage.path("prompt_tokens").asLong()),
          null);
    }
    String reason =
        line.path("error").hasNonNull("message")
            ? line.path("error").path("message").asText()
            : body.path("error").path("message").asText("no result");
    return BatchResultLines.failed(customId, response.path("status_code").asInt(), reason);
  }

  private static ProviderBatch batch(JsonNode node) {
    JsonNode counts = node.path("request_counts");
    JsonNode errors = node.path("errors").path("data");
    String error = null;
    if (errors.isArray() && !errors.isEmpty()) {
      List<String> messages = new ArrayList<>();
      errors.forEach(e -> messages.add(e.path("message").asText()));
      error = String.join("; ", messages);
    }
    return new ProviderBatch(
        node.path("id").asText(),
        ProviderBatch.State.fromWire(node.path("status").asText()),
        counts.path("total").asInt(),
        counts.path("completed").asInt(),
        counts.path("failed").asInt(),
        node.path("output_file_id").isTextual() ? node.path("output_file_id").asText() : null,
        node.path("error_file_id").isTextual() ? node.path("error_file_id").asText() : null,
        error);
  }

  private HttpRequest.Builder authorized(HttpRequest.Builder request) {
    request.timeout(timeout);
    if (apiKey != null && !apiKey.isBlank()) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    return request;
  }

  private byte[] send(HttpRequest.Builder request) {
    HttpRequest built = request.build();
    HttpResponse<byte[]> response;
    try {
      response = http.send(built, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw EmbeddingException.retryable("Batch API request failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw EmbeddingException.fatal("Interrupted while calling the batch API");
    }
    int status = response.statusCode();
    if (status / 100 == 2) {
      return response.body();
    }
    String message =
        "Batch API "
            + built.method()
            + " "
            + built.uri().getPath()
            + " answered "
            + status
            + ": "
            + errorMessage(response.body());
    if (status == 429 || status >= 500) {
      throw EmbeddingException.retryable(message, null);
    }
    throw EmbeddingException.fatal(message);
  }

  private static String errorMessage(byte[] body) {
    try {
      return json(body).path("error").path("message").asText(new String(body));
    } catch (RuntimeException e) {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private static JsonNode json(byte[] body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw EmbeddingException.retryable("the batch API answered with a body that is not JSON", e);
    }
  }
}
