package io.signalhub.indexing.local.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.signalhub.indexing.core.pipeline.JobsApi;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The status function's routes on localhost, over the same {@link JobsApi} the Lambda serves: JSON,
 * or the status page for a browser ({@code GET /} lists the jobs).
 */
final class StatusHttpServer implements AutoCloseable {

  private final HttpServer server;

  StatusHttpServer(int port, JobsApi api) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
    server.setExecutor(
        Executors.newFixedThreadPool(
            4,
            task -> {
              Thread thread = new Thread(task, "status-http");
              thread.setDaemon(true);
              return thread;
            }));
    server.createContext("/", exchange -> handle(exchange, api));
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private static void handle(HttpExchange exchange, JobsApi api) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      String accept = exchange.getRequestHeaders().getFirst("Accept");
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      JobsApi.Reply reply;
      if (!"GET".equals(exchange.getRequestMethod())) {
        reply = new JobsApi.Reply(405, Map.of("error", "only GET"));
      } else if (path.equals("/") || path.equals("/jobs")) {
        reply = api.list(query.get("limit"), query.get("cursor"), accept, "jobs/");
      } else if (path.equals("/jobs/")) {
        reply = api.list(query.get("limit"), query.get("cursor"), accept, "");
      } else if (path.startsWith("/jobs/")) {
        reply =
            api.job(
                URLDecoder.decode(path.substring("/jobs/".length()), StandardCharsets.UTF_8),
                accept);
      } else {
        reply = new JobsApi.Reply(404, Map.of("error", "routes: GET /, GET /jobs, GET /jobs/{id}"));
      }
      byte[] body = reply.bytes();
      exchange.getResponseHeaders().add("Content-Type", reply.contentType());
      exchange.getResponseHeaders().add("Vary", "Accept");
      exchange.getResponseHeaders().add("Cache-Control", "no-store");
      exchange.sendResponseHeaders(reply.status(), body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> values = new HashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          values.put(
              URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return values;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
