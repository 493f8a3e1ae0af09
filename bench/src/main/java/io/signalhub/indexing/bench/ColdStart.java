package io.signalhub.indexing.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.signalhub.indexing.aws.AwsEndpoints;
import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.aws.AwsResources;
import io.signalhub.indexing.aws.lambda.FanOutFailureLogic;
import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.core.pipeline.BatchMessage;
import io.signalhub.indexing.core.pipeline.Keys;
import io.signalhub.indexing.core.pipeline.PipelineSettings;
import io.signalhub.indexing.core.provider.LocalMiniLmModel;
import io.signalhub.indexing.localstack.EmbeddedAwsServices;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

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

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HANDLER =
      "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest";
  private static final String RIC = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

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
          String event = event(spec, pipeline, job, "cold-fanout-" + primed);
          Path zipRoot =
              unpack(root.resolve("functions/" + spec.module() + "/target/function.zip"), work);
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

  /** The event the function is deployed to receive, for a job seeded on the services. */
  /**
   * @param fannedOut a job the fan-out measured before (the status function reads it)
   */
  private static String event(Spec spec, AwsPipeline pipeline, String job, String fannedOut)
      throws IOException {
    String manifestKey = seed(pipeline, job);
    return switch (spec.handler() == null ? "status" : spec.handler()) {
      case "fanout" -> s3Event(pipeline, manifestKey);
      case "fanout-continuation" -> sqsEvent(manifestKey);
      case "fanout-failed" ->
          sqsEvent(
              FanOutFailureLogic.destinationRecord(
                  s3Event(pipeline, manifestKey),
                  "arn:aws:lambda:us-east-1:000000000000:function:fanout:live",
                  3,
                  new IllegalStateException("measured"),
                  Instant.now()));
      case "embed", "dead-letter" -> sqsEvent(batchMessage(pipeline, manifestKey));
      default -> statusEvent(fannedOut);
    };
  }

  /** Uploads a small job (sources and manifest); returns the manifest key. */
  private static String seed(AwsPipeline pipeline, String job) {
    StringBuilder files = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      byte[] bytes =
          // unique per job: a cache hit would leave nothing to embed
          ("def handler_%d(event):\n    \"\"\"Handles event %d of %s.\"\"\"\n    return event.get('id', %d)\n"
                  .formatted(i, i, job, i))
              .getBytes(StandardCharsets.UTF_8);
      String path = "app/handler_" + i + ".py";
      pipeline.blobs().put("sources/" + job + "/" + path, bytes);
      files
          .append(i == 0 ? "" : ",")
          .append(
              "{\"path\":\"%s\",\"sha256\":\"%s\",\"size\":%d}"
                  .formatted(path, Chunk.sha256Hex(bytes), bytes.length));
    }
    String manifest =
        "{\"version\":1,\"repository\":\"%s\",\"sources\":{\"prefix\":\"sources/%s/\"},\"files\":[%s]}"
            .formatted(job, job, files);
    pipeline.blobs().put(Keys.manifest(job), manifest.getBytes(StandardCharsets.UTF_8));
    return Keys.manifest(job);
  }

  /** Fans the job out here (local model's profile) and takes its first batch message. */
  private static String batchMessage(AwsPipeline pipeline, String manifestKey) {
    pipeline.fanOut(LocalMiniLmModel.profile()).fanOut(manifestKey, Instant.MAX);
    String queue = pipeline.queueUrl(pipeline.settings().batchQueue());
    var messages =
        pipeline.sqs().receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(1)).messages();
    BatchMessage.parse(messages.get(0).body());
    pipeline.sqs().purgeQueue(r -> r.queueUrl(queue));
    return messages.get(0).body();
  }

  private static String s3Event(AwsPipeline pipeline, String key) {
    return "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"awsRegion\":\"us-east-1\",\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"s3SchemaVersion\":\"1.0\",\"bucket\":{\"name\":\"%s\",\"arn\":\"arn:aws:s3:::%s\"},\"object\":{\"key\":\"%s\",\"size\":1}}}]}"
        .formatted(pipeline.settings().bucket(), pipeline.settings().bucket(), key);
  }

  private static String sqsEvent(String body) throws IOException {
    return "{\"Records\":[{\"messageId\":\"m-1\",\"receiptHandle\":\"r-1\",\"body\":%s,\"attributes\":{\"ApproximateReceiveCount\":\"1\"},\"messageAttributes\":{},\"eventSource\":\"aws:sqs\",\"eventSourceARN\":\"arn:aws:sqs:us-east-1:000000000000:q\",\"awsRegion\":\"us-east-1\"}]}"
        .formatted(JSON.writeValueAsString(body));
  }

  private static String statusEvent(String job) {
    return "{\"version\":\"2.0\",\"routeKey\":\"GET /jobs/{id}\",\"rawPath\":\"/jobs/%s\",\"rawQueryString\":\"\",\"headers\":{\"accept\":\"application/json\"},\"requestContext\":{\"accountId\":\"000000000000\",\"apiId\":\"local\",\"http\":{\"method\":\"GET\",\"path\":\"/jobs/%s\",\"protocol\":\"HTTP/1.1\",\"sourceIp\":\"127.0.0.1\",\"userAgent\":\"cold-start\"},\"requestId\":\"r\",\"routeKey\":\"GET /jobs/{id}\",\"stage\":\"$default\",\"time\":\"24/Nov/2026:00:00:00 +0000\",\"timeEpoch\":0},\"pathParameters\":{\"id\":\"%s\"},\"isBase64Encoded\":false}"
        .formatted(job, job, job);
  }

  private static Path unpack(Path zip, Path work) throws IOException {
    Path target = work.resolve(zip.getParent().getParent().getFileName().toString());
    if (Files.isDirectory(target)) {
      return target;
    }
    try (ZipFile file = new ZipFile(zip.toFile())) {
      for (ZipEntry entry : file.stream().toList()) {
        Path out = target.resolve(entry.getName()).normalize();
        if (entry.isDirectory()) {
          Files.createDirectories(out);
        } else {
          Files.createDirectories(out.getParent());
          try (InputStream in = file.getInputStream(entry)) {
            Files.copy(in, out);
          }
        }
      }
    }
    return target;
  }

  /** One cold start: the Runtime API hands out the event once, then holds the next poll. */
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
      process = start(spec, primed, zipRoot, ric, services, api.getAddress().getPort());
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
      double cpu = alive ? cpuSeconds(process.pid()) : -1;
      long[] memory = alive ? memory(process.pid()) : new long[] {-1, -1};
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

  private static Process start(
      Spec spec, boolean primed, Path zipRoot, Path ric, EmbeddedAwsServices services, int port)
      throws IOException {
    List<String> classpath;
    try (Stream<Path> jars = Files.list(ric)) {
      classpath = jars.map(Path::toString).sorted().toList();
    }
    long heapMb = spec.memoryMb() * 85L / 100;
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:ActiveProcessorCount=1",
            "-XX:MaxRAM=" + spec.memoryMb() + "m",
            "-Xmx" + heapMb + "m",
            "-XX:+UseSerialGC",
            "-Djava.io.tmpdir=" + zipRoot.resolveSibling("tmp"),
            "-cp",
            String.join(java.io.File.pathSeparator, classpath),
            RIC,
            HANDLER);
    Files.createDirectories(zipRoot.resolveSibling("tmp"));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(zipRoot.toFile())
            .redirectErrorStream(true)
            .redirectOutput(
                zipRoot.resolveSibling(spec.name().replace(' ', '-') + ".log").toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("AWS_") || name.startsWith("SIGNAL_HUB_"));
    env.putAll(
        new LinkedHashMap<>(
            Map.of(
                "AWS_LAMBDA_RUNTIME_API",
                "127.0.0.1:" + port,
                "_HANDLER",
                HANDLER,
                "LAMBDA_TASK_ROOT",
                zipRoot.toString(),
                "AWS_LAMBDA_FUNCTION_NAME",
                spec.name().replace(' ', '-'),
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
                Integer.toString(spec.memoryMb()),
                "AWS_LAMBDA_INITIALIZATION_TYPE",
                "on-demand",
                "AWS_REGION",
                "us-east-1",
                "AWS_ACCESS_KEY_ID",
                "test",
                "AWS_SECRET_ACCESS_KEY",
                "test")));
    env.put("AWS_ENDPOINT_URL_S3", services.s3Endpoint().toString());
    env.put("AWS_ENDPOINT_URL_SQS", services.sqsEndpoint().toString());
    env.put("AWS_ENDPOINT_URL_DYNAMODB", services.dynamoEndpoint().toString());
    env.put("SIGNAL_HUB_EMBEDDING_PROVIDER", "local");
    env.put("SIGNAL_HUB_PRIME", Boolean.toString(primed));
    env.put("DJL_CACHE_DIR", zipRoot.resolveSibling("tmp").resolve("djl").toString());
    // the template's JAVA_TOOL_OPTIONS (infra/SignalHubStack)
    env.put("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1");
    if (spec.handler() != null) {
      env.put("QUARKUS_LAMBDA_HANDLER", spec.handler());
    }
    return builder.start();
  }

  /** utime + stime of the process so far (/proc/PID/stat, in clock ticks of 1/100 s). */
  private static double cpuSeconds(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
  }

  /** Peak heap (sum of the heap pools' peaks) and metaspace used, through the attach API. */
  private static long[] memory(long pid) throws Exception {
    var vm = com.sun.tools.attach.VirtualMachine.attach(Long.toString(pid));
    try {
      String address = vm.startLocalManagementAgent();
      try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
        MBeanServerConnection server = connector.getMBeanServerConnection();
        long heap = 0;
        long metaspace = 0;
        for (MemoryPoolMXBean pool :
            java.lang.management.ManagementFactory.getPlatformMXBeans(
                server, MemoryPoolMXBean.class)) {
          if (pool.getType() == MemoryType.HEAP) {
            heap += pool.getPeakUsage().getUsed();
          } else if (pool.getName().equals("Metaspace")) {
            metaspace = pool.getUsage().getUsed();
          }
        }
        return new long[] {heap >> 20, metaspace >> 20};
      }
    } finally {
      vm.detach();
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
