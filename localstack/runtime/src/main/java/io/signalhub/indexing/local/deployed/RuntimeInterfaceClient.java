package io.signalhub.indexing.local.deployed;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Lambda's runtime interface client as every function's JVM gets it: its jars and JNI library. */
final class RuntimeInterfaceClient {

  private RuntimeInterfaceClient() {}

  /**
   * The runtime interface client and what it needs, as Lambda's java runtimes put them on the class
   * path.
   */
  static List<String> classpath() {
    List<String> jars = new ArrayList<>();
    for (String type :
        List.of(
            LambdaFunction.RUNTIME_CLIENT,
            "com.amazonaws.services.lambda.runtime.Context",
            "com.amazonaws.services.lambda.runtime.serialization.PojoSerializer",
            "software.amazon.awssdk.utilslite.SdkInternalThreadLocal")) {
      try {
        Class<?> found = Class.forName(type, false, RuntimeInterfaceClient.class.getClassLoader());
        jars.add(
            Path.of(found.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
      } catch (ReflectiveOperationException | java.net.URISyntaxException e) {
        throw new IllegalStateException(
            "The runtime interface client is not on the class path (" + type + ")", e);
      }
    }
    return jars.stream().distinct().toList();
  }

  /**
   * The client's JNI library, unpacked once: left to itself every client unpacks it to the same
   * {@code /tmp/.libaws-lambda-jni.so} (Lambda gives each environment its own /tmp), and JVMs
   * starting together crash loading a file another is rewriting.
   */
  static Path nativeClient(Path work) throws IOException {
    String arch = System.getProperty("os.arch").matches("aarch64|arm64") ? "aarch_64" : "x86_64";
    String name = "libaws-lambda-jni.linux-" + arch + ".so";
    Path target = work.resolve(name);
    try (InputStream in =
        RuntimeInterfaceClient.class.getClassLoader().getResourceAsStream("jni/" + name)) {
      if (in == null) {
        throw new IllegalStateException("The runtime interface client has no " + name);
      }
      Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }
}
