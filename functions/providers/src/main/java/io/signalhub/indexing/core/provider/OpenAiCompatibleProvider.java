package io.signalhub.indexing.core.provider;

import io.signalhub.indexing.core.batch.ProviderLimits;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Any OpenAI-compatible {@code POST /embeddings} endpoint: OpenAI, Azure OpenAI ({@link
 * AzureOpenAi}), gateways, vLLM, Ollama, TEI. Vectors are matched by {@code data[].index}, never by
 * position.
 *
 * <p>This class sends the requests; {@link OpenAiJson} writes and reads their bodies and {@link
 * OpenAiErrors} turns an error answer into the {@link EmbeddingException} the retry logic acts on.
 */
public final class OpenAiCompatibleProvider extends HostedEmbeddingProvider {

  /** The default model's name, when none is configured. */
  public static final String DEFAULT_MODEL = OpenAiModels.DEFAULT_MODEL;

  private final URI endpoint;
  private final String apiKey;
  private final Supplier<Map<String, String>> authHeaders;
  private final boolean sendModel;
  private final boolean sendDimensions;
  private final Duration timeout;
  private final HttpClient http;
  private final OpenAiErrors errors;

  private OpenAiCompatibleProvider(Builder builder) {
    super(
        Objects.requireNonNull(builder.model, "model"),
        builder.dimensions > 0 ? builder.dimensions : OpenAiModels.defaultDimensions(builder.model),
        builder.limits);
    String base = Objects.requireNonNull(builder.baseUrl, "baseUrl").toString();
    this.endpoint =
        builder.endpoint != null
            ? builder.endpoint
            : URI.create(base.endsWith("/") ? base + "embeddings" : base + "/embeddings");
    this.apiKey = builder.apiKey;
    this.authHeaders = builder.authHeaders;
    this.sendModel = builder.sendModel;
    this.sendDimensions = builder.dimensions > 0;
    this.timeout = builder.timeout;
    this.errors = new OpenAiErrors(endpoint, model(), builder.configurationHint, builder.clock);
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
    return OpenAiModels.profile("openai", model, dimensions);
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
      throw errors.classify(response.statusCode(), response.body(), response.headers());
    }
    return OpenAiJson.parse(response.body(), response.headers(), inputs.size());
  }

  private HttpRequest request(List<String> inputs) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofByteArray(
                    OpenAiJson.requestBody(
                        sendModel ? model() : null, inputs, sendDimensions ? dimensions() : 0)));
    if (authHeaders != null) {
      authHeaders.get().forEach(request::header);
    } else if (apiKey != null && !apiKey.isBlank()) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    return request.build();
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
