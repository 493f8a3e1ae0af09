package io.signalhub.indexing.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalhub.indexing.core.BatchEmbeddingProcessor;
import io.signalhub.indexing.core.chunk.ChunkingOptions;
import io.signalhub.indexing.core.chunk.CodeChunker;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStatus;
import io.signalhub.indexing.core.provider.ModelProfile;
import io.signalhub.indexing.core.provider.OpenAiCompatibleProvider;
import io.signalhub.indexing.core.secret.SecretPolicy;
import io.signalhub.indexing.core.source.DirectoryChunks;
import io.signalhub.indexing.core.source.SkipReason;
import io.signalhub.indexing.core.source.SourceWalker;
import io.signalhub.indexing.simulator.SimulatedEmbeddingServer;
import io.signalhub.indexing.simulator.SimulatorSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invariant 10: secret-bearing files and secret-shaped text never reach the provider, through the
 * pipeline (a manifest from any client) and in process. The simulated provider's log of every input
 * it received is the proof.
 */
class SecretsNeverReachTheProviderTest {

  private static final String AWS_KEY = "AKIAIOSFODNN7EXAMPLE";
  private static final String OPENAI_KEY = "sk-live-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c";
  private static final String GITHUB_TOKEN = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
  private static final String PRIVATE_KEY = "MIIEowIBAAKCAQEA7bq9secretkeymaterial";
  private static final List<String> SECRETS =
      List.of(AWS_KEY, OPENAI_KEY, GITHUB_TOKEN, PRIVATE_KEY, "API_KEY=");

  /** A repository where secrets hide in files and in ordinary-looking code. */
  static Map<String, String> repository() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("src/cart.py", "def total(prices):\n    return sum(prices)\n");
    files.put(".env", "API_KEY=" + OPENAI_KEY + "\n");
    files.put("deploy/server.pem", "-----BEGIN RSA PRIVATE KEY-----\n" + PRIVATE_KEY + "\n");
    files.put(
        "src/settings.py", "def client():\n    return Client(key=\"" + AWS_KEY + "\", region=1)\n");
    files.put("docs/ci.md", "# CI\n\nThe bot pushes with " + GITHUB_TOKEN + " on main.\n");
    return files;
  }

  private SimulatedEmbeddingServer server;
  private OpenAiCompatibleProvider provider;

  @BeforeEach
  void start() throws Exception {
    server =
        SimulatedEmbeddingServer.start(
            SimulatorSettings.builder().apiKey("sk-test").logInputs(true).build());
    provider =
        OpenAiCompatibleProvider.builder()
            .baseUrl(server.baseUrl())
            .apiKey("sk-test")
            .model("text-embedding-3-small")
            .dimensions(32)
            .timeout(Duration.ofSeconds(5))
            .build();
  }

  @AfterEach
  void stop() {
    provider.close();
    server.close();
  }

  private JobRecord runPipeline(PipelineFixture fixture, String jobId) {
    String key = fixture.upload(jobId, repository());
    fixture.fanOut(fixture.queue, ModelProfile.of("openai", provider)).fanOut(key, Instant.MAX);
    EmbedderService embedder = fixture.embedder(provider);
    for (var messages = fixture.queue.drain();
        !messages.isEmpty();
        messages = fixture.queue.drain()) {
      messages.forEach(message -> embedder.process(message, 1));
    }
    return fixture.jobs.get(jobId).orElseThrow();
  }

  private String everythingStored(PipelineFixture fixture) {
    StringBuilder all = new StringBuilder();
    for (String prefix : List.of(Keys.BATCHES, Keys.VECTORS)) {
      for (String key : fixture.blobs.list(prefix)) {
        all.append(new String(fixture.blobs.read(key), StandardCharsets.UTF_8));
      }
    }
    return all.toString();
  }

  @Test
  void thePipelineSkipsSecretFilesAndSecretChunksWhoeverWroteTheManifest() {
    PipelineFixture fixture = new PipelineFixture();

    JobRecord job = runPipeline(fixture, "job-secrets");

    assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(job.counters().skippedFiles())
        .containsEntry(SkipReason.SECRET_FILE, 2L)
        .containsEntry(SkipReason.SECRET_TEXT, 2L);
    assertThat(job.counters().completed()).isEqualTo(job.counters().total()).isEqualTo(1);
    assertThat(server.stats().inputsReceived()).hasSize(1);
    assertThat(String.join("\n", server.stats().inputsReceived()))
        .contains("def total")
        .doesNotContain(SECRETS);
    assertThat(everythingStored(fixture)).contains("def total").doesNotContain(SECRETS);
  }

  @Test
  void withSecretsRedactTheRestOfTheChunkIsEmbeddedAndTheSecretIsNot() {
    PipelineFixture fixture = new PipelineFixture(Map.of("signal-hub.secrets", "redact"));

    JobRecord job = runPipeline(fixture, "job-redacted");

    assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(job.counters().skippedFiles())
        .containsEntry(SkipReason.SECRET_FILE, 2L)
        .containsEntry(SkipReason.SECRET_REDACTED, 2L)
        .doesNotContainKey(SkipReason.SECRET_TEXT);
    String sent = String.join("\n", server.stats().inputsReceived());
    assertThat(sent)
        .contains("Client(key=\"[REDACTED AWS access key id]\", region=1)")
        .contains("pushes with [REDACTED GitHub token] on main")
        .doesNotContain(SECRETS);
    assertThat(everythingStored(fixture)).doesNotContain(SECRETS);
  }

  @Test
  void inProcessTheWalkAndTheChunkScanKeepSecretsHome(@TempDir Path root) throws Exception {
    for (Map.Entry<String, String> file : repository().entrySet()) {
      Path path = root.resolve(file.getKey());
      Files.createDirectories(path.getParent());
      Files.writeString(path, file.getValue());
    }
    DirectoryChunks chunks =
        DirectoryChunks.scan(
            root,
            new SourceWalker(1 << 20),
            new CodeChunker(
                provider.tokenCounter(), ChunkingOptions.forProvider(provider.limits(), 0, 0)),
            SecretPolicy.SKIP);

    try (var processor = BatchEmbeddingProcessor.builder().provider(provider).build()) {
      processor.processChunks(List.copyOf(chunks), progress -> {});
    }

    assertThat(chunks.skipCounts())
        .containsEntry(SkipReason.SECRET_FILE, 2L)
        .containsEntry(SkipReason.SECRET_TEXT, 2L);
    assertThat(server.stats().inputsReceived()).hasSize(1);
    assertThat(String.join("\n", server.stats().inputsReceived())).doesNotContain(SECRETS);
  }
}
