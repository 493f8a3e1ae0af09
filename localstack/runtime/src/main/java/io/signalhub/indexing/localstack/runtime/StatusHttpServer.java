package io.signalhub.indexing.localstack.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/** The status function's routes on localhost, over the same {@link JobsApi} the Lambda serves. */
final class StatusHttpServer implements AutoCloseable {

  private static final ObjectMapper JSON =
      new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

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
      JobsApi.Reply reply;
      if (!"GET".equals(exchange.getRequestMethod())) {
        reply = new JobsApi.Reply(405, Map.of("error", "only GET"));
      } else if (path.equals("/jobs") || path.equals("/jobs/")) {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        reply = api.list(query.get("limit"), query.get("cursor"));
      } else if (path.startsWith("/jobs/")) {
        reply =
            api.job(URLDecoder.decode(path.substring("/jobs/".length()), StandardCharsets.UTF_8));
      } else {
        reply = new JobsApi.Reply(404, Map.of("error", "routes: GET /jobs, GET /jobs/{id}"));
      }
      byte[] body = JSON.writeValueAsBytes(reply.body());
      exchange.getResponseHeaders().add("Content-Type", "application/json");
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
