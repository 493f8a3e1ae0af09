package io.signalhub.indexing.bench;

import io.signalhub.indexing.local.services.EmbeddedAwsServices;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/** One function's JVM for {@link ColdStart}: unpacked, started as Lambda would, and measured. */
final class FunctionProcess {

  private static final String HANDLER =
      "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest";
  private static final String RIC = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

  private FunctionProcess() {}

  /** The function zip unpacked under {@code work} (once per module), as Lambda unpacks it. */
  static Path unpack(Path zip, Path work) throws IOException {
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

  /**
   * The function's JVM as Lambda starts it: the runtime interface client, the template's memory and
   * environment, polling the Runtime API on {@code port}.
   */
  static Process start(
      ColdStart.Spec spec,
      boolean primed,
      Path zipRoot,
      Path ric,
      EmbeddedAwsServices services,
      int port)
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
  static double cpuSeconds(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
  }

  /** Peak heap (sum of the heap pools' peaks) and metaspace used, through the attach API. */
  static long[] memory(long pid) throws Exception {
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
}
