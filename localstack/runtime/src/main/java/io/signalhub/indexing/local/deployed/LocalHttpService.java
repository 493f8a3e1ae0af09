package io.signalhub.indexing.local.deployed;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A small JSON service on a loopback port: the base of the stand-ins the local stack serves. */
abstract class LocalHttpService implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService workers = Executors.newCachedThreadPool();

  LocalHttpService() throws IOException {
    this(0);
  }

  /** Listens on {@code port} (0 picks a free one). */
  LocalHttpService(int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            handle(exchange, exchange.getRequestBody().readAllBytes());
          }
        });
    server.setExecutor(workers);
    server.start();
  }

  abstract void handle(HttpExchange exchange, byte[] body) throws IOException;

  static void respond(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    exchange.getResponseBody().write(body);
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }
}
