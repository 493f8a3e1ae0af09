package io.signalhub.indexing.local.services;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One endpoint for every service, as LocalStack's edge port offers: {@code export
 * AWS_ENDPOINT_URL=http://127.0.0.1:4566} and any AWS client reaches S3, SQS and DynamoDB. Each
 * request goes to the service its SigV4 credential scope names ({@code .../us-east-1/sqs/...}),
 * else the one its {@code X-Amz-Target} names, else S3 (an unsigned request can only be S3's).
 *
 * <p>Bodies are buffered: it is meant for a developer's machine, where uploads are source files.
 */
public final class EdgeGateway implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(EdgeGateway.class.getName());

  /** {@code Credential=AKID/20261124/us-east-1/sqs/aws4_request}, in a header or presigned URL. */
  private static final Pattern SCOPE =
      Pattern.compile("Credential=[^/,&\\s]+(?:/|%2F)[0-9]{8}(?:/|%2F)[^/%]+(?:/|%2F)([a-z0-9-]+)");

  /** Headers the JDK's client sets itself, or that describe one hop only. */
  private static final Set<String> HOP_HEADERS =
      Set.of(
          "connection",
          "content-length",
          "date",
          "expect",
          "from",
          "host",
          "keep-alive",
          "origin",
          "referer",
          "transfer-encoding",
          "upgrade",
          "via",
          "warning");

  /** A service behind the gateway. */
  public enum Service {
    S3,
    SQS,
    DYNAMODB,
    SECRETS_MANAGER,
    BEDROCK
  }

  /**
   * One request the gateway forwarded, with the status its backend answered.
   *
   * @param headers the request's headers, names as the client sent them
   */
  public record Exchange(
      Service service,
      String method,
      String rawPath,
      String rawQuery,
      Map<String, List<String>> headers,
      byte[] body,
      int status) {

    /** The first value of a header, by case-insensitive name, or null. */
    public String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty())
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }
  }

  private final HttpServer server;
  private final ExecutorService workers = Executors.newCachedThreadPool();
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final Map<Service, URI> backends;
  private final Consumer<Exchange> listener;

  private EdgeGateway(int port, Map<Service, URI> backends, Consumer<Exchange> listener)
      throws IOException {
    this.backends = Map.copyOf(backends);
    this.listener = listener;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
    server.createContext("/", this::forward);
    server.setExecutor(workers);
    server.start();
  }

  /** Listens on {@code port} (0 picks a free one) and forwards to the backends. */
  public static EdgeGateway start(int port, Map<Service, URI> backends) throws IOException {
    return new EdgeGateway(port, backends, exchange -> {});
  }

  /**
   * As {@link #start(int, Map)}, and tells {@code listener} about every request it forwarded (the
   * as-deployed stack records each function's AWS calls this way).
   */
  public static EdgeGateway start(int port, Map<Service, URI> backends, Consumer<Exchange> listener)
      throws IOException {
    return new EdgeGateway(port, backends, listener);
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The service a request is for. */
  static Service route(Headers headers, String rawQuery) {
    String scope = headers.getFirst("Authorization");
    Matcher matcher = SCOPE.matcher((scope == null ? "" : scope) + " " + rawQuery);
    if (matcher.find()) {
      switch (matcher.group(1)) {
        case "sqs":
          return Service.SQS;
        case "dynamodb":
          return Service.DYNAMODB;
        case "secretsmanager":
          return Service.SECRETS_MANAGER;
        case "bedrock":
          return Service.BEDROCK;
        default:
          return Service.S3;
      }
    }
    String target = headers.getFirst("X-Amz-Target");
    if (target != null && target.startsWith("DynamoDB")) {
      return Service.DYNAMODB;
    }
    if (target != null && target.startsWith("AmazonSQS")) {
      return Service.SQS;
    }
    if (target != null && target.startsWith("secretsmanager.")) {
      return Service.SECRETS_MANAGER;
    }
    return Service.S3;
  }

  private void forward(HttpExchange exchange) throws IOException {
    try (exchange) {
      String rawQuery = exchange.getRequestURI().getRawQuery();
      Service service = route(exchange.getRequestHeaders(), rawQuery == null ? "" : rawQuery);
      byte[] body = exchange.getRequestBody().readAllBytes();
      URI backend = backends.get(service);
      if (backend == null) {
        byte[] message =
            ("This local stack serves no " + service + "; it serves " + backends.keySet())
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(501, message.length);
        exchange.getResponseBody().write(message);
        return;
      }
      URI target =
          backend.resolve(
              exchange.getRequestURI().getRawPath() + (rawQuery == null ? "" : "?" + rawQuery));
      HttpRequest.Builder request =
          HttpRequest.newBuilder(target)
              .method(
                  exchange.getRequestMethod(),
                  body.length == 0
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(body));
      exchange
          .getRequestHeaders()
          .forEach(
              (name, values) -> {
                if (!HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                  values.forEach(value -> request.header(name, value));
                }
              });
      HttpResponse<InputStream> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      listener.accept(
          new Exchange(
              service,
              exchange.getRequestMethod(),
              exchange.getRequestURI().getRawPath(),
              rawQuery == null ? "" : rawQuery,
              Map.copyOf(exchange.getRequestHeaders()),
              body,
              response.statusCode()));
      Headers out = exchange.getResponseHeaders();
      response
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                if (!HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                  out.put(name, values);
                }
              });
      long length = response.headers().firstValueAsLong("content-length").orElse(-1);
      boolean noBody =
          exchange.getRequestMethod().equals("HEAD")
              || response.statusCode() == 204
              || response.statusCode() == 304;
      if (noBody && length >= 0) {
        out.set("Content-Length", Long.toString(length)); // HEAD reports the object's size
      }
      // sendResponseHeaders: -1 = no body, 0 = chunked, n = exactly n bytes
      exchange.sendResponseHeaders(
          response.statusCode(), noBody || length == 0 ? -1 : length < 0 ? 0 : length);
      try (InputStream in = response.body();
          OutputStream sink = exchange.getResponseBody()) {
        in.transferTo(sink);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "Edge gateway could not forward " + exchange.getRequestURI(), e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }
}
