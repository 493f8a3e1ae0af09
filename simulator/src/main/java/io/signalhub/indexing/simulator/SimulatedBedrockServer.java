package io.signalhub.indexing.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A local server that answers the AWS SDK's Bedrock clients for Titan Text Embeddings V2: {@code
 * InvokeModel} ({@code POST /model/{modelId}/invoke}, the runtime) and batch inference's control
 * plane ({@code POST /model-invocation-job}, {@code GET /model-invocation-job/{jobIdentifier}},
 * {@code POST /model-invocation-job/{jobIdentifier}/stop}; {@link SimulatedBedrockBatch}) with
 * input and output in an S3 server. Point both SDK clients' {@code endpointOverride} at {@link
 * #endpoint()}. What it served is in {@link #stats()}: on-demand tokens at the full price, batch
 * tokens at half (aws.amazon.com/bedrock/pricing: batch inference for Titan Text Embeddings V2).
 */
public final class SimulatedBedrockServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String JOBS = "/model-invocation-job";

  private final SimulatorSettings settings;
  private final SimulatorStats stats = new SimulatorStats();
  private final SimulatedBedrockBatch batch;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final long startNanos = System.nanoTime();

  private SimulatedBedrockServer(SimulatorSettings settings, URI s3Endpoint) throws IOException {
    this.settings = settings;
    this.batch = new SimulatedBedrockBatch(settings, stats, this::now, new S3Objects(s3Endpoint));
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", settings.port()), 64);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * Starts a server; port 0 picks a free port.
   *
   * @param settings models served (include {@code amazon.titan-embed-text-v2:0}), limits, faults,
   *     time scale and batch durations, as for {@link SimulatedEmbeddingServer}
   * @param s3Endpoint the S3 server batch jobs read input from and write output to (path style)
   */
  public static SimulatedBedrockServer start(SimulatorSettings settings, URI s3Endpoint)
      throws IOException {
    return new SimulatedBedrockServer(settings, s3Endpoint);
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public SimulatorStats stats() {
    return stats;
  }

  /** Batch inference jobs created so far (a test's ground truth for resubmissions). */
  public int jobsCreated() {
    return batch.jobsCreated();
  }

  /** Jobs a {@code StopModelInvocationJob} stopped while they ran. */
  public int jobsStopped() {
    return batch.jobsStopped();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private long now() {
    return (long) ((System.nanoTime() - startNanos) * settings.timeScale());
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      stats.requests.incrementAndGet();
      String method = exchange.getRequestMethod();
      // the SDK sends the job ARN percent-encoded in one path segment
      String[] parts = exchange.getRequestURI().getRawPath().substring(1).split("/");
      JsonNode body;
      try (InputStream in = exchange.getRequestBody()) {
        byte[] bytes = in.readAllBytes();
        body = bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
      }
      Reply reply;
      if (parts.length == 3 && parts[0].equals("model") && parts[2].equals("invoke")) {
        reply = invoke(decode(parts[1]), body);
      } else if (!("/" + parts[0]).equals(JOBS)) {
        reply = SimulatedBedrockBatch.error(404, "UnknownOperationException", "no route");
      } else if (parts.length == 1 && method.equals("POST")) {
        reply = batch.create(body);
      } else if (parts.length == 2 && method.equals("GET")) {
        reply = batch.get(decode(parts[1]));
      } else if (parts.length == 3 && parts[2].equals("stop") && method.equals("POST")) {
        reply = batch.stop(decode(parts[1]));
      } else {
        reply = SimulatedBedrockBatch.error(404, "UnknownOperationException", "no route");
      }
      reply.send(exchange, stats);
    }
  }

  /** Titan on demand: one text per call, billed at the full price. */
  private Reply invoke(String modelId, JsonNode body) {
    if (!settings.models().contains(modelId)) {
      return SimulatedBedrockBatch.error(
          404, "ResourceNotFoundException", "Could not resolve the foundation model " + modelId);
    }
    SimulatedTitan.Answer answer = SimulatedTitan.answer(body, settings);
    if (answer.error() != null) {
      return SimulatedBedrockBatch.error(400, "ValidationException", answer.error());
    }
    stats.served.incrementAndGet();
    stats.inputs.incrementAndGet();
    stats.tokens.addAndGet(answer.tokens());
    stats.servedAt(System.nanoTime(), answer.tokens());
    return SimulatedBedrockBatch.ok(answer.body());
  }

  private static String decode(String segment) {
    return URLDecoder.decode(segment, StandardCharsets.UTF_8);
  }
}
