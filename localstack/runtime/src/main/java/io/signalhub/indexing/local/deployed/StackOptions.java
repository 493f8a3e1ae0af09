package io.signalhub.indexing.local.deployed;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What the local stack adds to the template ({@link AsDeployedStack#start}).
 *
 * @param workDir where zips are unpacked and environments log
 * @param environmentOverlay variables added to every function's environment, for endpoints that
 *     stand in for a provider (e.g. {@code SIGNAL_HUB_EMBEDDING_BASE_URL})
 * @param secretValues initial values of the template's secrets, by logical id or its start ({@code
 *     EmbeddingApiKey} for CDK's {@code EmbeddingApiKey4E1A2B3C})
 * @param maxEnvironments most execution environments per function (also capped by the mapping's
 *     maximum concurrency); 2 cores cannot run ten embedder JVMs
 * @param asyncRetryDelay pause before Lambda retries a failed asynchronous invocation (1 and 2
 *     minutes in AWS; shortened here)
 * @param edgePort the one endpoint's port (0 = any)
 * @param apiPort the HTTP API's port (0 = any)
 * @param codeCache where zips are unpacked, once per asset (CDK names assets by content hash, so
 *     stacks of several templates can share it)
 */
public record StackOptions(
    Path workDir,
    Map<String, String> environmentOverlay,
    Map<String, String> secretValues,
    int maxEnvironments,
    Duration asyncRetryDelay,
    int edgePort,
    int apiPort,
    Path codeCache) {

  /** Options with the defaults: one environment per function, retries after 2 s, any ports. */
  public static Builder builder(Path workDir) {
    return new Builder(workDir);
  }

  /** Builds {@link StackOptions}; each setter replaces one default. */
  public static final class Builder {
    private final Path workDir;
    private Map<String, String> environmentOverlay = Map.of();
    private Map<String, String> secretValues = Map.of();
    private int edgePort;
    private int apiPort;
    private Path codeCache;

    private Builder(Path workDir) {
      this.workDir = workDir;
      this.codeCache = workDir.resolve("code");
    }

    public Builder environment(Map<String, String> overlay) {
      this.environmentOverlay = overlay;
      return this;
    }

    public Builder secrets(Map<String, String> values) {
      this.secretValues = values;
      return this;
    }

    public Builder ports(int edge, int api) {
      this.edgePort = edge;
      this.apiPort = api;
      return this;
    }

    public Builder codeCache(Path dir) {
      this.codeCache = dir;
      return this;
    }

    public StackOptions build() {
      return new StackOptions(
          workDir,
          environmentOverlay,
          secretValues,
          1,
          Duration.ofSeconds(2),
          edgePort,
          apiPort,
          codeCache);
    }
  }
}
