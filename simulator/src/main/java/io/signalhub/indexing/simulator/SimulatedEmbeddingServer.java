package io.signalhub.indexing.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
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
 * <p>This class is the HTTP side: it checks the key and the route, plays scripted faults (a status,
 * a dropped connection), keeps the simulated clock, which can run faster than real time ({@link
 * SimulatorSettings#timeScale}), and sends what the endpoints answer. An Azure OpenAI mode serves
 * Azure's routes and headers ({@link SimulatorSettings#azure}). The embeddings themselves, with the
 * real limits, budgets and 429s, are {@link EmbeddingsEndpoint}'s; the Batch API's files and
 * batches endpoints are {@link SimulatedBatchApi}'s. Used by the provider tests and by the
 * benchmark harness, so both meet the same behaviour.
 */
public final class SimulatedEmbeddingServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Reply UNAUTHORIZED =
      EmbeddingsEndpoint.error(401, "Incorrect API key provided.", "invalid_api_key", Map.of());

  private final SimulatorSettings settings;
  private final HttpServer server;
  private final ExecutorService executor;
  private final EmbeddingsEndpoint embeddings;
  private final Queue<ScriptedFault> scriptedFaults = new ConcurrentLinkedQueue<>();
  private final SimulatorStats stats = new SimulatorStats();
  private final long startNanos = System.nanoTime();
  private final SimulatedBatchApi batchApi;

  private SimulatedEmbeddingServer(SimulatorSettings settings) throws IOException {
    this.settings = settings;
    Simulation simulation = new Simulation(settings, stats, this::now);
    this.embeddings = new EmbeddingsEndpoint(simulation);
    this.batchApi = new SimulatedBatchApi(simulation);
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
    scriptedFaults.add(
        new ScriptedFault(EmbeddingsEndpoint.error(status, message, "scripted", headers), false));
  }

  /** The next request's connection is closed without an answer. */
  public void dropNextConnection() {
    scriptedFaults.add(new ScriptedFault(null, true));
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
      if (fault != null && fault.drop()) {
        stats.dropped.incrementAndGet();
        return; // closing the exchange without headers resets the connection
      }
      send(exchange, fault != null ? fault.reply() : route(exchange, arrived));
    } catch (RuntimeException e) {
      send(
          exchange,
          EmbeddingsEndpoint.error(500, "Simulator error: " + e, "server_error", Map.of()));
    }
  }

  private Reply route(HttpExchange exchange, long arrived) throws IOException {
    URI uri = exchange.getRequestURI();
    String method = exchange.getRequestMethod();
    if (SimulatedBatchApi.serves(uri.getPath())) {
      if (!authorized(exchange)) {
        return UNAUTHORIZED;
      }
      return batchApi.handle(
          method,
          uri.getPath(),
          exchange.getRequestHeaders().getFirst("Content-Type"),
          body(exchange));
    }
    String deployment = settings.azure() ? azureDeployment(uri) : null;
    if (!"POST".equals(method)
        || !uri.getPath().endsWith("/embeddings")
        || (settings.azure() && deployment == null)) {
      return EmbeddingsEndpoint.error(404, "Unknown route " + uri, "not_found", Map.of());
    }
    if (!authorized(exchange)) {
      return UNAUTHORIZED;
    }
    JsonNode request = JSON.readTree(body(exchange));
    if (deployment != null) {
      ((ObjectNode) request).put("model", deployment);
    }
    return embeddings.serve(request, arrived);
  }

  private static byte[] body(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      return in.readAllBytes();
    }
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

  /**
   * Without a configured key anything goes. OpenAI: {@code Authorization: Bearer <key>}; Azure:
   * {@code api-key}, or a bearer token.
   */
  private boolean authorized(HttpExchange exchange) {
    if (settings.apiKey() == null) {
      return true;
    }
    var headers = exchange.getRequestHeaders();
    return ("Bearer " + settings.apiKey()).equals(headers.getFirst("Authorization"))
        || (settings.azure() && settings.apiKey().equals(headers.getFirst("api-key")));
  }

  /** Simulated time: real time since start, times {@link SimulatorSettings#timeScale}. */
  private long now() {
    return (long) ((System.nanoTime() - startNanos) * settings.timeScale());
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

  private void send(HttpExchange exchange, Reply reply) throws IOException {
    reply.send(exchange, stats);
  }

  private record ScriptedFault(Reply reply, boolean drop) {}

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
