package io.signalhub.indexing.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The built {@code function.zip}, on the class path Lambda's Java runtime gives it (the zip's root,
 * then {@code lib/*.jar} sorted): it holds nothing the fan-out never runs, and it computes the
 * model's profile for every provider a deployment offers without credentials.
 */
class FunctionZipIT {

  private static final Path ZIP = Path.of("target/function.zip");

  @TempDir static Path unpacked;

  @BeforeAll
  static void unpack() throws IOException {
    try (ZipFile zip = new ZipFile(ZIP.toFile())) {
      for (ZipEntry entry : zip.stream().toList()) {
        Path target = unpacked.resolve(entry.getName()).normalize();
        if (entry.isDirectory()) {
          Files.createDirectories(target);
          continue;
        }
        Files.createDirectories(target.getParent());
        try (InputStream in = zip.getInputStream(entry)) {
          Files.copy(in, target);
        }
      }
    }
  }

  @Test
  void holdsTheBatchApiButLeavesOutTheLocalModelRuntimeAndBedrock() throws IOException {
    List<String> names;
    try (ZipFile zip = new ZipFile(ZIP.toFile())) {
      names = zip.stream().map(ZipEntry::getName).toList();
    }
    assertThat(names)
        .anyMatch(name -> name.matches("lib/.*indexing-core.*\\.jar"))
        // economy mode's batch API adapters (OpenAiBatchApi) are there; the local model is not
        .anyMatch(name -> name.matches("lib/.*indexing-providers.*\\.jar"));
    assertThat(names)
        .noneMatch(name -> name.contains("onnxruntime"))
        .noneMatch(name -> name.contains("bedrockruntime"))
        .noneMatch(name -> name.endsWith(".onnx"));
  }

  @ParameterizedTest
  @CsvSource({
    "local, all-minilm-l6-v2-q, 384",
    "openai, text-embedding-3-small, 1536",
    "azure-openai, text-embedding-3-small, 1536",
    "bedrock, amazon.titan-embed-text-v2:0, 1024"
  })
  void computesTheProfileOfEveryProviderWithoutCredentials(
      String provider, String model, int dimensions) throws Exception {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    try (URLClassLoader function =
        new URLClassLoader(lambdaClassPath(), ClassLoader.getPlatformClassLoader())) {
      thread.setContextClassLoader(function);
      Class<?> settingsType =
          function.loadClass("io.signalhub.indexing.core.provider.ProviderSettings");
      Object settings =
          settingsType
              .getMethod("fromEnvironment", Map.class)
              .invoke(null, Map.of("SIGNAL_HUB_EMBEDDING_PROVIDER", provider));
      Object profile =
          function
              .loadClass("io.signalhub.indexing.core.provider.EmbeddingProviders")
              .getMethod("profile", settingsType)
              .invoke(null, settings);

      assertThat(profile.getClass().getMethod("model").invoke(profile)).isEqualTo(model);
      assertThat(profile.getClass().getMethod("dimensions").invoke(profile)).isEqualTo(dimensions);
      Object counter = profile.getClass().getMethod("tokenCounter").invoke(profile);
      assertThat((int) counter.getClass().getMethod("count", String.class).invoke(counter, "a b"))
          .isPositive();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  /** docs.aws.amazon.com/lambda/latest/dg/java-package.html: the root, then lib/ in order. */
  private static URL[] lambdaClassPath() throws IOException {
    List<URL> urls = new ArrayList<>();
    urls.add(unpacked.toUri().toURL());
    try (Stream<Path> jars = Files.list(unpacked.resolve("lib"))) {
      for (Path jar : jars.sorted().toList()) {
        urls.add(jar.toUri().toURL());
      }
    }
    return urls.toArray(URL[]::new);
  }
}
