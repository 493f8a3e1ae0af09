package io.signalhub.indexing.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.signalhub.indexing.aws.AwsEndpoints;
import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.aws.AwsResources;
import io.signalhub.indexing.core.pipeline.PipelineSettings;
import io.signalhub.indexing.core.provider.LocalMiniLmModel;
import io.signalhub.indexing.local.services.EmbeddedAwsServices;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Cold starts of the built {@code functions/*}{@code /target/function.zip}, started the way
 * Lambda's Java runtime starts them: the runtime interface client ({@code
 * aws-lambda-java-runtime-interface-client}) in its own JVM, polling a minimal Runtime API served
 * here, one event each, against the embedded AWS services. Per function, at the template's memory:
 * init (JVM start to the first {@code /next}), the first invocation, CPU-seconds to its answer,
 * peak heap and metaspace; with priming on and off.
 *
 * <p>{@code java -cp bench/target/signal-hub-bench.jar io.signalhub.indexing.bench.ColdStart [root]
 * [name-prefix]} after {@code mvn package} (the prefix picks functions, e.g. {@code status});
 * prints a Markdown table (docs/benchmarks.md).
 */
public final class ColdStart {

  /** One function as the template deploys it. */
  record Spec(String name, String module, String handler, int memoryMb, int timeoutSeconds) {}

  /** What one cold start measured. */
  record Measured(
      Spec spec,
      boolean primed,
      long initMs,
      long firstInvokeMs,
      double cpuSeconds,
      long peakHeapMb,
      long metaspaceMb,
      String answer) {}

  static final List<Spec> FUNCTIONS =
      List.of(
          new Spec("fan-out", "fanout", "fanout", 1024, 900),
          new Spec("fan-out continuation", "fanout", "fanout-continuation", 1024, 900),
          new Spec("fan-out failure consumer", "fanout", "fanout-failed", 1024, 60),
          new Spec("embedder", "embedder", "embed", 1769, 300),
          new Spec("DLQ consumer", "embedder", "dead-letter", 1024, 60),
          new Spec("status", "status", null, 1024, 15),
          new Spec("status at 512 MB (before)", "status", null, 512, 10));

  private ColdStart() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args.length > 0 ? args[0] : System.getProperty("signal-hub.root", "."));
    Path ric = root.resolve("bench/target/ric");
    Path work = Files.createTempDirectory("cold-start");
    try (EmbeddedAwsServices services =
            EmbeddedAwsServices.start(EmbeddedAwsServices.Ports.ANY, null);
        AwsPipeline pipeline =
            new AwsPipeline(
                PipelineSettings.from(key -> Optional.empty()),
                AwsEndpoints.local(
                    services.s3Endpoint(), services.sqsEndpoint(), services.dynamoEndpoint()),
                Clock.systemUTC())) {
      AwsResources.createAll(pipeline, java.time.Duration.ofSeconds(30));
      pipeline
          .blobs()
          .put(
              "models/" + LocalMiniLmModel.weightsFileName(),
              Files.readAllBytes(
                  root.resolve("functions/embedder/target/model/all-minilm-l6-v2-q.onnx")));
      List<Measured> results = new ArrayList<>();
      for (boolean primed : List.of(true, false)) {
        for (Spec spec : FUNCTIONS) {
          if (args.length > 1 && !spec.name().startsWith(args[1])) {
            continue;
          }
          String job = "cold-" + spec.handler() + "-" + primed;
          String event = ColdStartEvents.event(spec, pipeline, job, "cold-fanout-" + primed);
          Path zipRoot =
              FunctionProcess.unpack(
                  root.resolve("functions/" + spec.module() + "/target/function.zip"), work);
          Measured m = measure(spec, primed, zipRoot, ric, services, event);
          Bench.log(
              "%s (%s): init %d ms, first invoke %d ms, %.2f CPU-s, heap %d MB, metaspace %d MB; %s",
              spec.name(),
              primed ? "primed" : "not primed",
              m.initMs(),
              m.firstInvokeMs(),
              m.cpuSeconds(),
              m.peakHeapMb(),
              m.metaspaceMb(),
              m.answer().length() > 120 ? m.answer().substring(0, 120) + "…" : m.answer());
          results.add(m);
        }
      }
      System.out.println(table(results));
    }
  }

  private static Measured measure(
      Spec spec, boolean primed, Path zipRoot, Path ric, EmbeddedAwsServices services, String event)
      throws Exception {
    CompletableFuture<Long> initDone = new CompletableFuture<>();
    CompletableFuture<String> answered = new CompletableFuture<>();
    CountDownLatch stop = new CountDownLatch(1);
    long[] handedOut = new long[1];
    HttpServer api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    api.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    api.createContext(
        "/2018-06-01/runtime/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          if (path.endsWith("/invocation/next")) {
            if (initDone.complete(System.nanoTime())) {
              handedOut[0] = System.nanoTime();
              // the client's native part reads these without a null check: send them all
              exchange.getResponseHeaders().add("Content-Type", "application/json");
              exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", "req-1");
              exchange
                  .getResponseHeaders()
                  .add(
                      "Lambda-Runtime-Deadline-Ms",
                      Long.toString(System.currentTimeMillis() + spec.timeoutSeconds() * 1000L));
              exchange
                  .getResponseHeaders()
                  .add(
                      "Lambda-Runtime-Invoked-Function-Arn",
                      "arn:aws:lambda:us-east-1:000000000000:function:" + spec.handler());
              exchange.getResponseHeaders().add("Lambda-Runtime-Trace-Id", "Root=1-0-0");
              reply(exchange, 200, event);
            } else {
              awaitQuietly(stop);
              reply(exchange, 410, "{}");
            }
          } else if (path.endsWith("/response") || path.endsWith("/error")) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            reply(exchange, 202, "{}");
            answered.complete(
                (path.endsWith("/error") ? "ERROR " : "")
                    + new String(body, StandardCharsets.UTF_8));
          } else {
            byte[] body = exchange.getRequestBody().readAllBytes();
            reply(exchange, 202, "{}");
            answered.complete("INIT ERROR " + new String(body, StandardCharsets.UTF_8));
            initDone.complete(System.nanoTime());
          }
        });
    api.start();
    Process process = null;
    try {
      process =
          FunctionProcess.start(spec, primed, zipRoot, ric, services, api.getAddress().getPort());
      long started = System.nanoTime();
      Process child = process;
      process
          .onExit()
          .thenRun(
              () -> {
                initDone.complete(System.nanoTime());
                answered.complete("EXITED " + child.exitValue());
              });
      long init = initDone.get(120, TimeUnit.SECONDS);
      String answer = answered.get(spec.timeoutSeconds() + 60L, TimeUnit.SECONDS);
      long responded = System.nanoTime();
      boolean alive = process.isAlive();
      double cpu = alive ? FunctionProcess.cpuSeconds(process.pid()) : -1;
      long[] memory = alive ? FunctionProcess.memory(process.pid()) : new long[] {-1, -1};
      return new Measured(
          spec,
          primed,
          (init - started) / 1_000_000,
          (responded - handedOut[0]) / 1_000_000,
          cpu,
          memory[0],
          memory[1],
          answer);
    } finally {
      stop.countDown();
      if (process != null) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      api.stop(0);
    }
  }

  private static String table(List<Measured> results) {
    StringBuilder out =
        new StringBuilder(
            "| function | memory | primed | init | first invoke | CPU-s to first answer | est. cold start at the memory's vCPU share | peak heap | metaspace |\n"
                + "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (Measured m : results) {
      double share = Math.min(1.0, m.spec().memoryMb() / 1769.0);
      out.append(
          "| %s | %,d MB | %s | %,d ms | %,d ms | %.2f | %.1f s | %d MB | %d MB |\n"
              .formatted(
                  m.spec().name(),
                  m.spec().memoryMb(),
                  m.primed() ? "yes" : "no",
                  m.initMs(),
                  m.firstInvokeMs(),
                  m.cpuSeconds(),
                  m.cpuSeconds() / share,
                  m.peakHeapMb(),
                  m.metaspaceMb()));
    }
    return out.toString();
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
