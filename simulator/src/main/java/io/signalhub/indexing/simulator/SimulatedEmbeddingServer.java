package io.signalhub.indexing.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * A local server that behaves like the OpenAI embeddings API ({@code POST /v1/embeddings}).
 *
 * <p>It enforces the real per-request limits (inputs, tokens per input, tokens per request),
 * requests/min and tokens/min budgets answered with 429 and the headers OpenAI sends ({@code
 * Retry-After}, {@code retry-after-ms}, {@code x-ratelimit-*}), checks the bearer key and the
 * model, and can be told to fail, drop a connection or reorder {@code data}. A request larger than
 * the whole tokens/min quota is refused in the shape {@link SimulatorSettings#tooLarge} names; its
 * clock can run faster than real time ({@link SimulatorSettings#timeScale}); an Azure OpenAI mode
 * serves Azure's routes and headers ({@link SimulatorSettings#azure}); the Batch API's files and
 * batches endpoints are served too ({@link SimulatedBatchApi}). Used by the provider tests and by
 * the benchmark harness, so both meet the same behaviour.
 */
public final class SimulatedEmbeddingServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Encoding CL100K =
      Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);

  private final SimulatorSettings settings;
  private final HttpServer server;
  private final ExecutorService executor;
  private final SlidingBudget requestBudget;
  private final SlidingBudget tokenBudget;
  private final Queue<ScriptedFault> scriptedFaults = new ConcurrentLinkedQueue<>();
  private final SimulatorStats stats = new SimulatorStats();
  private final long startNanos = System.nanoTime();
  private final SimulatedBatchApi batchApi;

  private SimulatedEmbeddingServer(SimulatorSettings settings) throws IOException {
    this.settings = settings;
    this.requestBudget = new SlidingBudget(settings.requestsPerMinute());
    this.tokenBudget = new SlidingBudget(settings.tokensPerMinute());
    this.batchApi = new SimulatedBatchApi(settings, stats, this::now);
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", settings.port()), 256);
    this.executor = Executors.newCachedThreadPool();
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts a server with the given settings; port 0 picks a free port. */
  public static SimulatedEmbeddingServer start(SimulatorSettings settings) throws IOException {
    return new SimulatedEmbeddingServer(settings);
  }

  /** Where an Azure OpenAI client points its endpoint (the deployments live under it). */
  public URI azureEndpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The base URL an OpenAI client takes, ending in {@code /v1}. */
  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
  }

  public SimulatorStats stats() {
    return stats;
  }

  /** The next request gets this status, body and headers instead of being served. */
  public void failNext(int status, String message, Map<String, String> headers) {
    scriptedFaults.add(new ScriptedFault(status, message, headers, false));
  }

  /** The next request's connection is closed without an answer. */
  public void dropNextConnection() {
    scriptedFaults.add(new ScriptedFault(0, "", Map.of(), true));
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      // the quota is charged as of arrival, as a gateway's limiter does, before the body is read
      long arrived = now();
      stats.requests.incrementAndGet();
      ScriptedFault fault = scriptedFaults.poll();
      if (fault != null) {
        if (fault.drop()) {
          stats.dropped.incrementAndGet();
          return; // closing the exchange without headers resets the connection
        }
        respondError(exchange, fault.status(), fault.message(), "scripted", fault.headers());
        return;
      }
      if (SimulatedBatchApi.serves(exchange.getRequestURI().getPath())) {
        serveBatchApi(exchange);
        return;
      }
      String deployment = settings.azure() ? azureDeployment(exchange.getRequestURI()) : null;
      if (!"POST".equals(exchange.getRequestMethod())
          || !exchange.getRequestURI().getPath().endsWith("/embeddings")
          || (settings.azure() && deployment == null)) {
        respondError(
            exchange, 404, "Unknown route " + exchange.getRequestURI(), "not_found", Map.of());
        return;
      }
      if (settings.apiKey() != null && !authorized(exchange)) {
        respondError(exchange, 401, "Incorrect API key provided.", "invalid_api_key", Map.of());
        return;
      }
      JsonNode request;
      try (InputStream body = exchange.getRequestBody()) {
        request = JSON.readTree(body);
      }
      if (deployment != null) {
        ((ObjectNode) request).put("model", deployment);
      }
      serveEmbeddings(exchange, request, arrived);
    } catch (RuntimeException e) {
      respondError(exchange, 500, "Simulator error: " + e, "server_error", Map.of());
    }
  }

  private void serveBatchApi(HttpExchange exchange) throws IOException {
    if (settings.apiKey() != null && !authorized(exchange)) {
      respondError(exchange, 401, "Incorrect API key provided.", "invalid_api_key", Map.of());
      return;
    }
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    SimulatedBatchApi.Reply reply =
        batchApi.handle(
            exchange.getRequestMethod(),
            exchange.getRequestURI().getPath(),
            exchange.getRequestHeaders().getFirst("Content-Type"),
            body);
    if (reply.status() >= 400) {
      stats.errors.incrementAndGet();
    }
    respond(exchange, reply.status(), reply.body(), Map.of());
  }

  /** The deployment of {@code /openai/deployments/<d>/embeddings?api-version=…}, else null. */
  private static String azureDeployment(URI uri) {
    String[] parts = uri.getPath().split("/");
    boolean shaped =
        parts.length == 5
            && parts[1].equals("openai")
            && parts[2].equals("deployments")
            && parts[4].equals("embeddings");
    String query = uri.getQuery() == null ? "" : uri.getQuery();
    return shaped && query.matches("(.*&)?api-version=[^&]+(&.*)?") ? parts[3] : null;
  }

  /** OpenAI: {@code Authorization: Bearer <key>}; Azure: {@code api-key}, or a bearer token. */
  private boolean authorized(HttpExchange exchange) {
    var headers = exchange.getRequestHeaders();
    return ("Bearer " + settings.apiKey()).equals(headers.getFirst("Authorization"))
        || (settings.azure() && settings.apiKey().equals(headers.getFirst("api-key")));
  }

  /** Simulated time: real time since start, times {@link SimulatorSettings#timeScale}. */
  private long now() {
    return (long) ((System.nanoTime() - startNanos) * settings.timeScale());
  }

  private void refuseTooLarge(HttpExchange exchange, String model, long requestTokens)
      throws IOException {
    stats.tooLarge.incrementAndGet();
    long quota = tokenBudget.capacity();
    switch (settings.tooLarge()) {
      case OPENAI_429 -> {
        stats.throttled.incrementAndGet();
        respondError(
            exchange,
            429,
            "Request too large for "
                + model
                + " in organization org-simulated on tokens per min (TPM): Limit "
                + quota
                + ", Requested "
                + requestTokens
                + ". The input or output tokens must be reduced in order to run successfully."
                + " Visit https://platform.openai.com/account/rate-limits to learn more.",
            "rate_limit_exceeded",
            rateHeaders(now()));
      }
      case AZURE_413 ->
          respondError(
              exchange,
              413,
              "Request body too large for "
                  + model
                  + " model. This model has a maximum input token limit per request. Max size: "
                  + quota
                  + " tokens.",
              "tokens_limits_reached",
              rateHeaders(now()));
      case BARE_413 -> {
        stats.errors.incrementAndGet();
        respond(exchange, 413, "Request Entity Too Large".getBytes(), Map.of());
      }
    }
  }

  private void serveEmbeddings(HttpExchange exchange, JsonNode request, long arrived)
      throws IOException {
    String model = request.path("model").asText("");
    if (!settings.models().contains(model)) {
      respondError(
          exchange,
          404,
          "The model `" + model + "` does not exist or you do not have access to it.",
          "model_not_found",
          Map.of());
      return;
    }
    List<String> inputs = new ArrayList<>();
    JsonNode input = request.path("input");
    if (input.isTextual()) {
      inputs.add(input.asText());
    } else {
      input.forEach(node -> inputs.add(node.asText()));
    }
    if (settings.logInputs()) {
      stats.received(inputs);
    }
    if (inputs.isEmpty() || inputs.size() > settings.maxInputsPerRequest()) {
      respondError(
          exchange,
          400,
          "'input' must hold between 1 and " + settings.maxInputsPerRequest() + " items",
          "invalid_request_error",
          Map.of());
      return;
    }
    int requestTokens = 0;
    int[] tokens = new int[inputs.size()];
    for (int i = 0; i < inputs.size(); i++) {
      if (inputs.get(i).isEmpty() || settings.rejectInput().test(inputs.get(i))) {
        respondError(
            exchange, 400, "Invalid input at index " + i, "invalid_request_error", Map.of());
        return;
      }
      tokens[i] = CL100K.countTokens(inputs.get(i));
      if (tokens[i] > settings.maxTokensPerInput()) {
        respondError(
            exchange,
            400,
            "This model's maximum context length is "
                + settings.maxTokensPerInput()
                + " tokens, however you requested "
                + tokens[i]
                + " tokens in your prompt.",
            "invalid_request_error",
            Map.of());
        return;
      }
      requestTokens += tokens[i];
    }
    if (requestTokens > settings.maxTokensPerRequest()) {
      respondError(
          exchange,
          400,
          "Requested "
              + requestTokens
              + " tokens, max "
              + settings.maxTokensPerRequest()
              + " tokens per request",
          "max_tokens_per_request",
          Map.of());
      return;
    }
    if (!tokenBudget.fits(requestTokens)) {
      refuseTooLarge(exchange, model, requestTokens);
      return;
    }
    long now = arrived;
    long waitNanos;
    synchronized (this) {
      waitNanos =
          Math.max(requestBudget.waitNanos(now, 1), tokenBudget.waitNanos(now, requestTokens));
      if (waitNanos == 0) {
        requestBudget.take(now, 1);
        tokenBudget.take(now, requestTokens);
      }
    }
    if (waitNanos > 0) {
      stats.throttled.incrementAndGet();
      long waitMillis = Math.max(1, waitNanos / 1_000_000); // simulated milliseconds
      Map<String, String> headers = new java.util.HashMap<>(rateHeaders(now));
      headers.put("Retry-After", Long.toString((waitMillis + 999) / 1000));
      headers.put("retry-after-ms", Long.toString(waitMillis));
      respondError(
          exchange,
          429,
          "Rate limit reached for requests or tokens per min. Please try again in "
              + waitMillis
              + "ms.",
          "rate_limit_exceeded",
          headers);
      return;
    }
    sleepFor(
        settings.fixedLatencyMillis()
            + settings.latencyMillisPerThousandTokens() * requestTokens / 1000);
    int dimensions = request.path("dimensions").asInt(settings.dimensions());
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      order.add(i);
    }
    if (settings.shuffleResponseOrder()) {
      Collections.shuffle(order, new Random(requestTokens));
    }
    ObjectNode response = JSON.createObjectNode().put("object", "list").put("model", model);
    ArrayNode data = response.putArray("data");
    for (int index : order) {
      ObjectNode item = data.addObject().put("object", "embedding").put("index", index);
      ArrayNode vector = item.putArray("embedding");
      for (float value : vectorFor(inputs.get(index), dimensions)) {
        vector.add(value);
      }
    }
    response
        .putObject("usage")
        .put("prompt_tokens", requestTokens)
        .put("total_tokens", requestTokens);
    stats.served.incrementAndGet();
    stats.inputs.addAndGet(inputs.size());
    stats.tokens.addAndGet(requestTokens);
    stats.servedAt(System.nanoTime(), requestTokens);
    respond(exchange, 200, JSON.writeValueAsBytes(response), rateHeaders(now()));
  }

  /** A deterministic unit vector per text, so equal texts get equal vectors. */
  public static float[] vectorFor(String text, int dimensions) {
    Random random = new Random(text.hashCode());
    float[] vector = new float[dimensions];
    double norm = 0;
    for (int i = 0; i < dimensions; i++) {
      vector[i] = (float) random.nextGaussian();
      norm += vector[i] * vector[i];
    }
    float scale = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < dimensions; i++) {
      vector[i] *= scale;
    }
    return vector;
  }

  private Map<String, String> rateHeaders(long now) {
    synchronized (this) {
      if (settings.azure()) {
        // Azure OpenAI reports what remains, not the limits
        return Map.of(
            "x-ratelimit-remaining-requests", Long.toString(requestBudget.remaining(now)),
            "x-ratelimit-remaining-tokens", Long.toString(tokenBudget.remaining(now)));
      }
      return Map.of(
          "x-ratelimit-limit-requests", Long.toString(settings.requestsPerMinute()),
          "x-ratelimit-remaining-requests", Long.toString(requestBudget.remaining(now)),
          "x-ratelimit-reset-requests", requestBudget.resetText(now),
          "x-ratelimit-limit-tokens", Long.toString(settings.tokensPerMinute()),
          "x-ratelimit-remaining-tokens", Long.toString(tokenBudget.remaining(now)),
          "x-ratelimit-reset-tokens", tokenBudget.resetText(now));
    }
  }

  private static void sleepFor(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis); // simulated network and model latency
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void respondError(
      HttpExchange exchange, int status, String message, String code, Map<String, String> headers)
      throws IOException {
    if (status >= 400 && status != 429) {
      stats.errors.incrementAndGet();
    }
    ObjectNode body = JSON.createObjectNode();
    body.putObject("error")
        .put("message", message)
        .put("type", status == 429 ? "requests" : "invalid_request_error")
        .put("code", code);
    respond(exchange, status, JSON.writeValueAsBytes(body), headers);
  }

  private static void respond(
      HttpExchange exchange, int status, byte[] body, Map<String, String> headers)
      throws IOException {
    headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private record ScriptedFault(
      int status, String message, Map<String, String> headers, boolean drop) {}

  /** Starts a simulator from the command line: {@code --port 8089 --rpm 3000 --tpm 1000000}. */
  public static void main(String[] args) throws Exception {
    SimulatorSettings.Builder builder = SimulatorSettings.builder();
    for (int i = 0; i + 1 < args.length; i += 2) {
      String value = args[i + 1];
      switch (args[i]) {
        case "--port" -> builder.port(Integer.parseInt(value));
        case "--rpm" -> builder.requestsPerMinute(Long.parseLong(value));
        case "--tpm" -> builder.tokensPerMinute(Long.parseLong(value));
        case "--latency-ms" -> builder.fixedLatencyMillis(Long.parseLong(value));
        case "--latency-ms-per-1k-tokens" ->
            builder.latencyMillisPerThousandTokens(Long.parseLong(value));
        case "--dimensions" -> builder.dimensions(Integer.parseInt(value));
        case "--time-scale" -> builder.timeScale(Double.parseDouble(value));
        case "--too-large" ->
            builder.tooLarge(SimulatorSettings.TooLarge.valueOf(value.toUpperCase()));
        case "--azure" -> builder.azure(Boolean.parseBoolean(value));
        case "--api-key" -> builder.apiKey(value);
        case "--batch-seconds" -> {
          double total = Double.parseDouble(value);
          builder.batchDurations(total / 20, total * 18 / 20, total / 20);
        }
        case "--batch-window-seconds" -> builder.batchWindowSeconds(Double.parseDouble(value));
        default -> throw new IllegalArgumentException("Unknown option " + args[i]);
      }
    }
    SimulatedEmbeddingServer server = start(builder.build());
    System.out.println("Simulated OpenAI embeddings API at " + server.baseUrl());
    Thread.currentThread().join();
  }

  static Predicate<String> never() {
    return text -> false;
  }
}
