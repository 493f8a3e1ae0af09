package io.signalhub.indexing.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * {@code status --web} against a deployed stack: the status API is IAM-authorized, so a browser
 * cannot call it. This serves the page on 127.0.0.1 and forwards each GET to the API, signed with
 * the user's credentials (SigV4), passing the browser's {@code Accept} header so the API answers
 * its page. Only loopback listens; only GET is forwarded; nothing is cached.
 */
final class StatusWebProxy implements AutoCloseable {

  private final URI upstream;
  private final Function<URI, Map<String, List<String>>> signer;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final HttpServer server;
  private final ExecutorService workers;

  /**
   * @param upstream the API's base URL
   * @param port where to listen on 127.0.0.1 (0: any free port)
   * @param signer the headers that sign a GET of a URI (SigV4 for execute-api)
   */
  StatusWebProxy(URI upstream, int port, Function<URI, Map<String, List<String>>> signer)
      throws IOException {
    String base = upstream.toString();
    this.upstream = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
    this.signer = signer;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
    workers =
        Executors.newFixedThreadPool(
            2,
            task -> {
              Thread thread = new Thread(task, "status-web");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(workers);
    server.createContext("/", this::forward);
    server.start();
  }

  /**
   * {@code status --web [job]}: prints the page's URL and serves it until Ctrl-C. A deployed API
   * goes through a signing proxy; a local stack serves the page itself (the command only waits when
   * the stack is its own, which stops with it).
   */
  static int serve(StackConnection stack, String jobId, int port) throws Exception {
    URI base = stack.status().base();
    String path = jobId == null ? "/" : "/jobs/" + jobId;
    if (!StatusClient.signed(base)) {
      System.out.println("Status page: " + base + path);
      if (!stack.ownsStack()) {
        return 0;
      }
      System.out.println("(served by a local stack started for this command; Ctrl-C stops it)");
      new java.util.concurrent.CountDownLatch(1).await();
      return 0;
    }
    try (StatusWebProxy proxy = new StatusWebProxy(base, port, stack.status()::sign)) {
      System.out.println("Status page: " + proxy.url() + path);
      System.out.println(
          "(served on 127.0.0.1, requests to "
              + base
              + " signed with your AWS credentials;"
              + " Ctrl-C stops it)");
      System.out.flush();
      new java.util.concurrent.CountDownLatch(1).await();
    }
    return 0;
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void forward(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        reply(exchange, 405, "text/plain; charset=utf-8", "only GET".getBytes(UTF8));
        return;
      }
      URI target = URI.create(upstream + exchange.getRequestURI().toString());
      HttpRequest.Builder request =
          HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(15)).GET();
      String accept = exchange.getRequestHeaders().getFirst("Accept");
      if (accept != null) {
        request.header("Accept", accept);
      }
      signer
          .apply(target)
          .forEach(
              (name, values) -> {
                if (!name.equalsIgnoreCase("host")) {
                  values.forEach(value -> request.header(name, value));
                }
              });
      HttpResponse<byte[]> response;
      try {
        response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      } catch (IOException e) {
        reply(
            exchange,
            502,
            "text/plain; charset=utf-8",
            ("The status API at " + upstream + " did not answer: " + e.getMessage())
                .getBytes(UTF8));
        return;
      }
      reply(
          exchange,
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse("application/octet-stream"),
          response.body());
    }
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  private static void reply(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().add("Content-Type", type);
    exchange.getResponseHeaders().add("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }
}
