package io.signalhub.indexing.core.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.signalhub.indexing.core.batch.ProviderLimits;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fan-out asks for a model's profile only: it must get one without the provider's key and
 * without the local model's runtime, which its package leaves out.
 */
class EmbeddingProvidersTest {

  @Test
  void theOpenAiProfileNeedsNeitherKeyNorEndpoint() {
    ModelProfile profile =
        EmbeddingProviders.profile(
            ProviderSettings.fromEnvironment(Map.of("SIGNAL_HUB_EMBEDDING_PROVIDER", "openai")));

    assertThat(profile.provider()).isEqualTo("openai");
    assertThat(profile.model()).isEqualTo(OpenAiCompatibleProvider.DEFAULT_MODEL);
    assertThat(profile.dimensions()).isEqualTo(1536);
    assertThat(profile.limits()).isEqualTo(ProviderLimits.OPENAI);
    assertThat(profile.tokenCounter().count("hello world")).isEqualTo(2);
  }

  @Test
  void theOpenAiProfileHonoursModelAndDimensions() {
    ModelProfile profile =
        EmbeddingProviders.profile(
            ProviderSettings.fromEnvironment(
                Map.of(
                    "SIGNAL_HUB_EMBEDDING_PROVIDER", "openai",
                    "SIGNAL_HUB_EMBEDDING_MODEL", "text-embedding-3-large",
                    "SIGNAL_HUB_EMBEDDING_DIMENSION", "256")));

    assertThat(profile.model()).isEqualTo("text-embedding-3-large");
    assertThat(profile.dimensions()).isEqualTo(256);
  }

  @Test
  void theAzureProfileNeedsNeitherKeyNorEndpoint() {
    ModelProfile profile =
        EmbeddingProviders.profile(
            ProviderSettings.fromEnvironment(
                Map.of("SIGNAL_HUB_EMBEDDING_PROVIDER", "azure-openai")));

    assertThat(profile.provider()).isEqualTo("azure-openai");
    assertThat(profile.model()).isEqualTo(OpenAiCompatibleProvider.DEFAULT_MODEL);
    assertThat(profile.dimensions()).isEqualTo(1536);
    assertThat(profile.limits()).isEqualTo(ProviderLimits.OPENAI);
  }

  @Test
  void creatingTheOpenAiProviderStillNeedsAKeyOrAnEndpoint() {
    assertThatThrownBy(
            () ->
                EmbeddingProviders.create(
                    ProviderSettings.fromEnvironment(
                        Map.of("SIGNAL_HUB_EMBEDDING_PROVIDER", "openai"))))
        .hasMessageContaining("OPENAI_API_KEY");
  }

  @Test
  void theLocalProfileRejectsAnotherModel() {
    assertThatThrownBy(
            () ->
                EmbeddingProviders.profile(
                    ProviderSettings.fromEnvironment(
                        Map.of(
                            "SIGNAL_HUB_EMBEDDING_PROVIDER", "local",
                            "SIGNAL_HUB_EMBEDDING_MODEL", "bge-small"))))
        .hasMessageContaining("has one model, all-minilm-l6-v2-q");
  }

  /**
   * The fan-out's class path as its package has it: indexing-core's classes, without this module
   * (no {@link LocalMiniLmProvider}) and without ONNX Runtime; the profile must need neither.
   */
  @Test
  void theLocalProfileLoadsWithoutOnnxRuntime() throws Exception {
    URL classes = EmbeddingProviders.class.getProtectionDomain().getCodeSource().getLocation();
    ClassLoader withoutOnnx =
        new ClassLoader(EmbeddingProvidersTest.class.getClassLoader()) {
          @Override
          protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            // onnxruntime is absent; indexing-core's classes are defined by the child below
            if (name.startsWith("ai.onnxruntime.") || name.startsWith("io.signalhub.")) {
              throw new ClassNotFoundException(name);
            }
            return super.loadClass(name, resolve);
          }

          @Override
          public Enumeration<URL> getResources(String name) throws IOException {
            // nor this module's service files: the child finds indexing-core's own
            return name.startsWith("META-INF/services/io.signalhub.")
                ? Collections.emptyEnumeration()
                : super.getResources(name);
          }
        };
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    try (URLClassLoader fanOut = new URLClassLoader(new URL[] {classes}, withoutOnnx)) {
      thread.setContextClassLoader(fanOut); // ServiceLoader finds the factories through it
      assertThatThrownBy(() -> Class.forName(LocalMiniLmProvider.class.getName(), true, fanOut))
          .as("the isolated class path really lacks the adapters")
          .isInstanceOf(ClassNotFoundException.class);
      assertThatThrownBy(() -> Class.forName("ai.onnxruntime.OrtException", true, fanOut))
          .as("the isolated class path really lacks ONNX Runtime")
          .isInstanceOf(ClassNotFoundException.class);

      Class<?> settingsType = fanOut.loadClass(ProviderSettings.class.getName());
      Object settings =
          settingsType
              .getMethod("fromEnvironment", Map.class)
              .invoke(null, Map.of("SIGNAL_HUB_EMBEDDING_PROVIDER", "local"));
      Object profile =
          fanOut
              .loadClass(EmbeddingProviders.class.getName())
              .getMethod("profile", settingsType)
              .invoke(null, settings);

      assertThatThrownBy(
              () ->
                  fanOut
                      .loadClass(EmbeddingProviders.class.getName())
                      .getMethod("create", settingsType)
                      .invoke(null, settings))
          .cause()
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("add the dependency io.signalhub.indexing:indexing-providers");

      Class<?> profileType = profile.getClass();
      assertThat(profileType.getClassLoader()).isSameAs(fanOut);
      assertThat(profileType.getMethod("model").invoke(profile)).isEqualTo(LocalMiniLmModel.MODEL);
      assertThat(profileType.getMethod("dimensions").invoke(profile)).isEqualTo(384);
      Object counter = profileType.getMethod("tokenCounter").invoke(profile);
      assertThat(counter.getClass().getMethod("count", String.class).invoke(counter, "hello world"))
          .isEqualTo(4);
    } finally {
      thread.setContextClassLoader(previous);
    }
  }
}
