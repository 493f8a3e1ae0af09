package io.signalhub.indexing.local.deployed;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One Lambda execution environment: a JVM running the function's unpacked zip under Lambda's
 * runtime interface client, and the Runtime API it polls (docs.aws.amazon.com/lambda/latest/dg/
 * runtimes-api.html). One invocation at a time, as in Lambda. An invocation that outlives the
 * function's timeout kills the JVM ("Task timed out"); so does a crash, and the next invocation
 * starts a fresh environment (a cold start).
 */
final class ExecutionEnvironment implements AutoCloseable {

  private static final String PREFIX = "/2018-06-01/runtime/";

  /** What an invocation returned. */
  record Outcome(boolean ok, String body) {
    static Outcome error(String message) {
      return new Outcome(false, message);
    }
  }

  private record Invocation(
      String requestId, byte[] payload, long deadlineMs, CompletableFuture<Outcome> result) {}

  private final FunctionSpec function;
  private final HttpServer runtimeApi;
  private final ExecutorService workers = Executors.newCachedThreadPool(daemon());
  private final BlockingQueue<Invocation> next = new LinkedBlockingQueue<>();
  private final Map<String, Invocation> running = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final Process process;
  private final Path log;
  private volatile String initError;

  ExecutionEnvironment(
      FunctionSpec function, List<String> command, Map<String, String> env, Path taskRoot, Path log)
      throws IOException {
    this.function = function;
    this.log = log;
    runtimeApi = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    runtimeApi.createContext(PREFIX, this::serve);
    runtimeApi.setExecutor(workers);
    runtimeApi.start();
    ProcessBuilder builder = new ProcessBuilder(command).directory(taskRoot.toFile());
    builder.environment().clear();
    builder.environment().putAll(env);
    builder
        .environment()
        .put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + runtimeApi.getAddress().getPort());
    builder
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    process = builder.start();
    process.onExit().thenRun(this::exited);
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return task -> {
      Thread thread = new Thread(task, "runtime-api");
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Waits until the runtime has initialized and asked for its first invocation. */
  void awaitReady(Duration limit) throws Exception {
    ready.get(limit.toMillis(), TimeUnit.MILLISECONDS);
  }

  boolean alive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /**
   * Hands {@code payload} to the function and waits for its answer: up to {@code initLimit} for the
   * runtime to ask for it (cold start), then the function's timeout.
   */
  Outcome invoke(byte[] payload, Duration initLimit) throws InterruptedException {
    String requestId = UUID.randomUUID().toString();
    CompletableFuture<Outcome> result = new CompletableFuture<>();
    long timeoutMs = function.timeout().toMillis();
    Invocation invocation = new Invocation(requestId, payload, timeoutMs, result);
    running.put(requestId, invocation);
    next.put(invocation);
    try {
      ready.get(initLimit.toMillis(), TimeUnit.MILLISECONDS);
      return result.get(timeoutMs + 1000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      boolean started = ready.isDone();
      process.destroyForcibly();
      return Outcome.error(
          started
              ? "Task timed out after " + function.timeout().toSeconds() + " seconds"
              : "Init did not finish within " + initLimit.toSeconds() + " s");
    } catch (ExecutionException e) {
      return Outcome.error(e.getCause().getMessage());
    } finally {
      running.remove(requestId);
    }
  }

  private void exited() {
    String reason =
        "Runtime exited with status "
            + process.exitValue()
            + (initError == null ? "" : " after an init error: " + initError)
            + "; last lines of "
            + log
            + ":\n"
            + tail(log, 15);
    ready.completeExceptionally(new IllegalStateException(reason));
    running.values().forEach(i -> i.result().complete(Outcome.error(reason)));
  }

  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
      byte[] body = exchange.getRequestBody().readAllBytes();
      if (path.equals("invocation/next")) {
        ready.complete(null);
        Invocation invocation = next.take();
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "application/json");
        headers.set("Lambda-Runtime-Aws-Request-Id", invocation.requestId());
        headers.set(
            "Lambda-Runtime-Deadline-Ms",
            Long.toString(System.currentTimeMillis() + invocation.deadlineMs()));
        headers.set("Lambda-Runtime-Invoked-Function-Arn", function.arn() + ":live");
        headers.set("Lambda-Runtime-Trace-Id", "Root=1-" + invocation.requestId());
        exchange.sendResponseHeaders(200, invocation.payload().length);
        exchange.getResponseBody().write(invocation.payload());
        return;
      }
      String text = new String(body, StandardCharsets.UTF_8);
      if (path.equals("init/error")) {
        initError = text;
      } else if (path.startsWith("invocation/")) {
        String[] parts = path.split("/");
        Invocation invocation = running.get(parts[1]);
        if (invocation != null) {
          invocation.result().complete(new Outcome(parts[2].equals("response"), text));
        }
      }
      exchange.sendResponseHeaders(202, -1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    runtimeApi.stop(0);
    workers.shutdownNow();
  }
}
