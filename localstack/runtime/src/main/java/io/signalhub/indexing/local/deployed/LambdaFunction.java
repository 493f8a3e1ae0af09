package io.signalhub.indexing.local.deployed;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A deployed function: its zip unpacked as Lambda does ({@code /var/task}), and up to {@code
 * maxEnvironments} execution environments, each a JVM started the way Lambda's java runtimes start
 * one: the runtime interface client on the system class path, the function's root then {@code
 * lib/*.jar} loaded by the client, {@code _HANDLER}, {@code LAMBDA_TASK_ROOT} and the rest of
 * Lambda's variables, the template's environment, and a heap no larger than the function's memory.
 */
final class LambdaFunction implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(LambdaFunction.class.getName());

  /** Lambda's java runtimes run the client's main class with the handler as its argument. */
  static final String RUNTIME_CLIENT = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

  private final FunctionSpec spec;
  private final Path taskRoot;
  private final Path workDir;
  private final List<String> runtimeClasspath;
  private final Path nativeClient;
  private final Map<String, String> platformEnvironment;
  private final Duration initLimit;
  private final Semaphore slots;
  private final Deque<ExecutionEnvironment> idle = new ConcurrentLinkedDeque<>();
  private final List<ExecutionEnvironment> all = new CopyOnWriteArrayList<>();
  private final AtomicInteger started = new AtomicInteger();
  private final AtomicInteger invocations = new AtomicInteger();
  private final AtomicInteger errors = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();

  /**
   * @param nativeClient the runtime client's JNI library
   * @param platformEnvironment what the local stack adds to the template's variables: the
   *     function's own credentials and the endpoints that stand in for AWS
   */
  LambdaFunction(
      FunctionSpec spec,
      Path workDir,
      Path codeCache,
      List<String> runtimeClasspath,
      Path nativeClient,
      Map<String, String> platformEnvironment,
      int maxEnvironments,
      Duration initLimit)
      throws IOException {
    this.spec = spec;
    this.workDir = fresh(workDir.resolve(spec.logicalId()));
    this.taskRoot = unpacked(spec.code(), codeCache);
    this.runtimeClasspath = runtimeClasspath;
    this.nativeClient = nativeClient;
    this.platformEnvironment = platformEnvironment;
    this.initLimit = initLimit;
    this.slots = new Semaphore(maxEnvironments, true);
  }

  FunctionSpec spec() {
    return spec;
  }

  /** Environments started so far (cold starts). */
  int coldStarts() {
    return started.get();
  }

  int invocations() {
    return invocations.get();
  }

  int errors() {
    return errors.get();
  }

  /** Invocations waiting for or running in an environment. */
  int inFlight() {
    return inFlight.get();
  }

  /**
   * Starts an environment ahead of the first event (as provisioned concurrency does), so a test
   * sees every function's init succeed, invoked or not.
   */
  void prewarm() throws Exception {
    ExecutionEnvironment environment = start();
    environment.awaitReady(initLimit);
    idle.offerFirst(environment);
  }

  /** One synchronous invocation, in a warm environment when one is free. */
  ExecutionEnvironment.Outcome invoke(byte[] payload) throws InterruptedException {
    inFlight.incrementAndGet();
    try {
      return invokeInEnvironment(payload);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private ExecutionEnvironment.Outcome invokeInEnvironment(byte[] payload)
      throws InterruptedException {
    slots.acquire();
    try {
      ExecutionEnvironment environment = idle.pollFirst();
      while (environment != null && !environment.alive()) {
        environment.close();
        environment = idle.pollFirst();
      }
      if (environment == null) {
        try {
          environment = start();
        } catch (IOException e) {
          errors.incrementAndGet();
          return ExecutionEnvironment.Outcome.error(
              "Could not start " + spec.logicalId() + ": " + e);
        }
      }
      invocations.incrementAndGet();
      ExecutionEnvironment.Outcome outcome = environment.invoke(payload, initLimit);
      if (!outcome.ok()) {
        errors.incrementAndGet();
        LOG.warning(() -> spec.logicalId() + " failed: " + outcome.body());
      }
      if (environment.alive()) {
        idle.offerFirst(environment);
      } else {
        environment.close();
        all.remove(environment);
      }
      return outcome;
    } finally {
      slots.release();
    }
  }

  /** The command line of an environment: exposed so a test can check what the template set. */
  List<String> command(Path tmp) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + spec.memoryMb() + "m"); // the function's memory bounds its heap
    command.add("-XX:+UseSerialGC"); // one collector thread: 2 cores are shared by every JVM
    command.add("-Xss512k");
    command.add("-Djava.io.tmpdir=" + tmp);
    command.add(
        "-Dcom.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI="
            + nativeClient);
    command.add("-cp");
    command.add(String.join(java.io.File.pathSeparator, runtimeClasspath));
    command.add(RUNTIME_CLIENT);
    command.add(spec.handler());
    return command;
  }

  Map<String, String> environment(int instance, Path tmp) {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
    env.put("LANG", "en_US.UTF-8");
    env.put("TZ", ":UTC");
    env.put("TMPDIR", tmp.toString());
    env.putAll(spec.environment());
    env.put("_HANDLER", spec.handler());
    env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
    env.put("AWS_EXECUTION_ENV", "AWS_Lambda_" + spec.runtime());
    env.put("AWS_LAMBDA_FUNCTION_NAME", spec.logicalId());
    env.put("AWS_LAMBDA_FUNCTION_VERSION", "1");
    env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(spec.memoryMb()));
    env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
    env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + spec.logicalId());
    env.put("AWS_LAMBDA_LOG_STREAM_NAME", "local/" + instance);
    env.put("AWS_REGION", CfnTemplate.REGION);
    env.put("AWS_DEFAULT_REGION", CfnTemplate.REGION);
    env.putAll(platformEnvironment);
    return env;
  }

  private ExecutionEnvironment start() throws IOException {
    int instance = started.incrementAndGet();
    Path tmp = Files.createDirectories(workDir.resolve("tmp-" + instance));
    Path log = workDir.resolve("environment-" + instance + ".log");
    ExecutionEnvironment environment =
        new ExecutionEnvironment(spec, command(tmp), environment(instance, tmp), taskRoot, log);
    all.add(environment);
    LOG.info(
        () ->
            "Started "
                + spec.logicalId()
                + " environment "
                + instance
                + " (pid "
                + environment.pid()
                + ", log "
                + log
                + ")");
    return environment;
  }

  /** The environments' logs, for a failure report. */
  String logTails(int lines) {
    StringBuilder out = new StringBuilder();
    try (var files = Files.list(workDir)) {
      files
          .filter(f -> f.getFileName().toString().endsWith(".log"))
          .sorted()
          .forEach(
              f ->
                  out.append("---- ")
                      .append(f)
                      .append('\n')
                      .append(ExecutionEnvironment.tail(f, lines))
                      .append('\n'));
    } catch (IOException e) {
      out.append(e);
    }
    return out.toString();
  }

  /** An empty directory: what an earlier run left there is removed. */
  private static Path fresh(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (var files = Files.walk(dir)) {
        for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      }
    }
    return Files.createDirectories(dir);
  }

  /**
   * The zip unpacked under {@code codeDir}, once: functions that share a package (the fan-out and
   * its continuation) share it, and a later run reuses it (CDK names assets by content hash).
   */
  private static synchronized Path unpacked(Path zip, Path codeDir) throws IOException {
    Path target = codeDir.resolve(zip.getFileName().toString().replaceAll("\\.zip$", ""));
    Path complete = target.resolve(".unpacked");
    if (Files.exists(complete)) {
      return target;
    }
    fresh(target);
    unzip(zip, target);
    Files.createFile(complete);
    return target;
  }

  private static void unzip(Path zip, Path target) throws IOException {
    try (InputStream in = Files.newInputStream(zip);
        ZipInputStream entries = new ZipInputStream(in)) {
      for (ZipEntry entry = entries.getNextEntry(); entry != null; entry = entries.getNextEntry()) {
        Path file = target.resolve(entry.getName()).normalize();
        if (!file.startsWith(target)) {
          throw new IOException("Zip entry outside the task root: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(file);
        } else {
          Files.createDirectories(file.getParent());
          Files.copy(entries, file);
        }
      }
    }
  }

  @Override
  public void close() {
    all.forEach(ExecutionEnvironment::close);
    all.clear();
    idle.clear();
  }
}
