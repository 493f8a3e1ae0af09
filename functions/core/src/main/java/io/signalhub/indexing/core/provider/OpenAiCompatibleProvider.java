package io.signalhub.indexing.core.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalhub.indexing.core.batch.ProviderLimits;
import io.signalhub.indexing.core.token.Cl100kTokenCounter;
import io.signalhub.indexing.core.token.TokenCounter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Any OpenAI-compatible {@code POST /embeddings} endpoint: OpenAI, Azure OpenAI ({@link
 * AzureOpenAi}), gateways, vLLM, Ollama, TEI. Vectors are matched by {@code data[].index}, never by
 * position.
 */
public final class OpenAiCompatibleProvider implements EmbeddingProvider {

  /** The default model's name, when none is configured. */
  public static final String DEFAULT_MODEL = "text-embedding-3-small";

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Pattern OPENAI_TOO_LARGE = Pattern.compile("Limit (\\d+), Requested (\\d+)");
  private static final Pattern AZURE_MAX_SIZE = Pattern.compile("Max size: (\\d+)");

  private final URI endpoint;
  private final String apiKey;
  private final Supplier<Map<String, String>> authHeaders;
  private final boolean sendModel;
  private final ConfigurationHint configurationHint;
  private final String model;
  private final int dimensions;
  private final boolean sendDimensions;
  private final ProviderLimits limits;
  private final Duration timeout;
  private final HttpClient http;
  private final Clock clock;

  private OpenAiCompatibleProvider(Builder builder) {
    String base = Objects.requireNonNull(builder.baseUrl, "baseUrl").toString();
    this.endpoint =
        builder.endpoint != null
            ? builder.endpoint
            : URI.create(base.endsWith("/") ? base + "embeddings" : base + "/embeddings");
    this.apiKey = builder.apiKey;
    this.authHeaders = builder.authHeaders;
    this.sendModel = builder.sendModel;
    this.configurationHint = builder.configurationHint;
    this.model = Objects.requireNonNull(builder.model, "model");
    this.sendDimensions = builder.dimensions > 0;
    this.dimensions = builder.dimensions > 0 ? builder.dimensions : defaultDimensions(model);
    this.limits = builder.limits;
    this.timeout = builder.timeout;
    this.clock = builder.clock;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * What the fan-out needs of the model without an endpoint or a key.
   *
   * @param model null for {@link #DEFAULT_MODEL}
   * @param dimensions 0 for the model's default
   */
  public static ModelProfile profile(String model, int dimensions) {
    String name = model != null ? model : DEFAULT_MODEL;
    return new ModelProfile(
        "openai",
        name,
        dimensions > 0 ? dimensions : defaultDimensions(name),
        ProviderLimits.OPENAI,
        Cl100kTokenCounter.instance());
  }

  @Override
  public String model() {
    return model;
  }

  @Override
  public int dimensions() {
    return dimensions;
  }

  @Override
  public ProviderLimits limits() {
    return limits;
  }

  @Override
  public TokenCounter tokenCounter() {
    return Cl100kTokenCounter.instance();
  }

  @Override
  public EmbeddingResponse embed(List<String> inputs) {
    HttpResponse<byte[]> response;
    try {
      response = http.send(request(inputs), HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      throw EmbeddingException.retryable("Embedding request timed out after " + timeout, e);
    } catch (IOException e) {
      throw EmbeddingException.retryable("Embedding request failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw EmbeddingException.fatal("Interrupted while embedding");
    }
    if (response.statusCode() != 200) {
      throw classify(response);
    }
    return parse(response, inputs.size());
  }

  private HttpRequest request(List<String> inputs) {
    ObjectNode body = JSON.createObjectNode();
    if (sendModel) {
      body.put("model", model);
    }
    body.put("encoding_format", "float");
    var array = body.putArray("input");
    inputs.forEach(array::add);
    if (sendDimensions) {
      body.put("dimensions", dimensions);
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(writeJson(body)));
    if (authHeaders != null) {
      authHeaders.get().forEach(request::header);
    } else if (apiKey != null && !apiKey.isBlank()) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    return request.build();
  }

  private EmbeddingResponse parse(HttpResponse<byte[]> response, int inputCount) {
    JsonNode root;
    try {
      root = JSON.readTree(response.body());
    } catch (IOException e) {
      throw EmbeddingException.retryable("Provider answered 200 with a body that is not JSON", e);
    }
    float[][] vectors = new float[inputCount][];
    for (JsonNode item : root.path("data")) {
      int index = item.path("index").asInt(-1);
      if (index < 0 || index >= inputCount || vectors[index] != null) {
        throw EmbeddingException.retryable(
            "Provider returned a missing, out-of-range or repeated index " + index, null);
      }
      JsonNode embedding = item.path("embedding");
      float[] vector = new float[embedding.size()];
      for (int i = 0; i < vector.length; i++) {
        vector[i] = (float) embedding.get(i).asDouble();
      }
      vectors[index] = vector;
    }
    for (int i = 0; i < inputCount; i++) {
      if (vectors[i] == null) {
        throw EmbeddingException.retryable("Provider returned no vector for input " + i, null);
      }
    }
    JsonNode usage = root.path("usage");
    long tokens = usage.path("total_tokens").asLong(usage.path("prompt_tokens").asLong(0));
    return new EmbeddingResponse(
        Arrays.asList(vectors),
        tokens,
        RateLimitHeaders.quota(name -> response.headers().firstValue(name)));
  }

  private EmbeddingException classify(HttpResponse<byte[]> response) {
    int status = response.statusCode();
    String detail = errorMessage(response.body());
    var headers = response.headers();
    QuotaSnapshot quota = RateLimitHeaders.quota(headers::firstValue);
    EmbeddingException tooLarge = tooLarge(status, errorCode(response.body()), detail, quota);
    if (tooLarge != null) {
      return tooLarge;
    }
    if (status == 429 || status == 408 || status == 409 || status >= 500) {
      Duration retryAfter = RateLimitHeaders.retryAfter(headers::firstValue, clock).orElse(null);
      return new EmbeddingException(
          EmbeddingException.Kind.RETRYABLE,
          status,
          "Provider answered " + status + ": " + detail,
          retryAfter,
          quota,
          null);
    }
    if (status == 401 || status == 403) {
      return new EmbeddingException(
          EmbeddingException.Kind.FATAL,
          status,
          "Provider rejected the credentials ("
              + status
              + "): "
              + detail
              + ". "
              + configurationHint.credentials()
              + " for "
              + endpoint,
          null,
          quota,
          null);
    }
    if (status == 404) {
      return new EmbeddingException(
          EmbeddingException.Kind.FATAL,
          status,
          "Provider does not know model '"
              + model
              + "' at "
              + endpoint
              + " (404): "
              + detail
              + ". "
              + configurationHint.model(),
          null,
          quota,
          null);
    }
    if (status == 400 || status == 422) {
      return new EmbeddingException(
          EmbeddingException.Kind.INPUT_REJECTED,
          status,
          "Provider rejected the input (" + status + "): " + detail,
          null,
          quota,
          null);
    }
    return new EmbeddingException(
        EmbeddingException.Kind.FATAL,
        status,
        "Provider answered " + status + ": " + detail,
        null,
        quota,
        null);
  }

  /**
   * A request larger than the provider ever accepts, in the shapes providers send: OpenAI's 429
   * "Request too large for … on tokens per min (TPM): Limit 40000, Requested 51234", Azure OpenAI's
   * 413 {@code tokens_limits_reached} "… Max size: 64000 tokens", or a bare 413. Null for anything
   * else.
   */
  static EmbeddingException tooLarge(int status, String code, String detail, QuotaSnapshot quota) {
    if (status == 429 && detail.contains("Request too large")) {
      Matcher numbers = OPENAI_TOO_LARGE.matcher(detail);
      boolean found = numbers.find();
      return EmbeddingException.tooLarge(
          status,
          "Provider refused a request larger than its whole quota (429): " + detail,
          found ? Long.parseLong(numbers.group(1)) : -1,
          found ? Long.parseLong(numbers.group(2)) : -1,
          quota);
    }
    if (status == 413) {
      Matcher max = AZURE_MAX_SIZE.matcher(detail);
      return EmbeddingException.tooLarge(
          status,
          "Provider refused a request as too large (413"
              + (code.isEmpty() ? "" : " " + code)
              + "): "
              + detail,
          max.find() ? Long.parseLong(max.group(1)) : -1,
          -1,
          quota);
    }
    return null;
  }

  private static String errorCode(byte[] body) {
    try {
      return JSON.readTree(body).path("error").path("code").asText("");
    } catch (IOException notJson) {
      return "";
    }
  }

  private static String errorMessage(byte[] body) {
    try {
      JsonNode message = JSON.readTree(body).path("error").path("message");
      if (message.isTextual()) {
        return message.asText();
      }
    } catch (IOException notJson) {
      // fall through to the raw body
    }
    String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }

  private static byte[] writeJson(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot serialize a JSON tree", e);
    }
  }

  private static int defaultDimensions(String model) {
    return switch (model) {
      case "text-embedding-3-large" -> 3072;
      default -> 1536;
    };
  }

  /** What to tell a user whose key or model the provider refused. */
  public record ConfigurationHint(String credentials, String model) {
    static final ConfigurationHint OPENAI =
        new ConfigurationHint(
            "Set OPENAI_API_KEY (or signal-hub.embedding.api-key) to a valid key",
            "Check SIGNAL_HUB_EMBEDDING_MODEL and OPENAI_BASE_URL");
  }

  /** Settings for an OpenAI-compatible endpoint. */
  public static final class Builder {
    private URI baseUrl = URI.create("https://api.openai.com/v1");
    private URI endpoint;
    private String apiKey;
    private Supplier<Map<String, String>> authHeaders;
    private boolean sendModel = true;
    private ConfigurationHint configurationHint = ConfigurationHint.OPENAI;
    private String model = DEFAULT_MODEL;
    private int dimensions;
    private ProviderLimits limits = ProviderLimits.OPENAI;
    private Duration timeout = Duration.ofSeconds(60);
    private Clock clock = Clock.systemUTC();

    public Builder baseUrl(URI value) {
      baseUrl = value;
      return this;
    }

    public Builder apiKey(String value) {
      apiKey = value;
      return this;
    }

    /** The full embeddings URL, when it is not {@code <baseUrl>/embeddings} (Azure OpenAI). */
    public Builder endpoint(URI value) {
      endpoint = value;
      return this;
    }

    /** Headers that authenticate each request, asked for each time (tokens expire). */
    public Builder authHeaders(Supplier<Map<String, String>> value) {
      authHeaders = value;
      return this;
    }

    /** Whether the body names the model (an Azure deployment already does). Default true. */
    public Builder sendModel(boolean value) {
      sendModel = value;
      return this;
    }

    /** What error messages tell the user to set. */
    public Builder configurationHint(ConfigurationHint value) {
      configurationHint = value;
      return this;
    }

    public Builder model(String value) {
      model = value;
      return this;
    }

    /** Requested vector length (text-embedding-3 models shorten on request); 0 = model default. */
    public Builder dimensions(int value) {
      dimensions = value;
      return this;
    }

    public Builder limits(ProviderLimits value) {
      limits = value;
      return this;
    }

    public Builder timeout(Duration value) {
      timeout = value;
      return this;
    }

    /** Clock for HTTP-date {@code Retry-After} values. */
    public Builder clock(Clock value) {
      clock = value;
      return this;
    }

    public OpenAiCompatibleProvider build() {
      return new OpenAiCompatibleProvider(this);
    }
  }
}
