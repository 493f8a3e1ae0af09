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
 * @param sessionToken whether functions get {@code AWS_SESSION_TOKEN}, as Lambda gives them
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
    boolean sessionToken,
    Path codeCache) {

  public static StackOptions defaults(Path workDir) {
    return new StackOptions(
        workDir, Map.of(), Map.of(), 1, Duration.ofSeconds(2), 0, 0, true, workDir.resolve("code"));
  }

  public StackOptions withEnvironment(Map<String, String> overlay) {
    return new StackOptions(
        workDir,
        overlay,
        secretValues,
        maxEnvironments,
        asyncRetryDelay,
        edgePort,
        apiPort,
        sessionToken,
        codeCache);
  }

  public StackOptions withSecrets(Map<String, String> values) {
    return new StackOptions(
        workDir,
        environmentOverlay,
        values,
        maxEnvironments,
        asyncRetryDelay,
        edgePort,
        apiPort,
        sessionToken,
        codeCache);
  }

  public StackOptions withPorts(int edge, int api) {
    return new StackOptions(
        workDir,
        environmentOverlay,
        secretValues,
        maxEnvironments,
        asyncRetryDelay,
        edge,
        api,
        sessionToken,
        codeCache);
  }

  public StackOptions withSessionToken(boolean value) {
    return new StackOptions(
        workDir,
        environmentOverlay,
        secretValues,
        maxEnvironments,
        asyncRetryDelay,
        edgePort,
        apiPort,
        value,
        codeCache);
  }

  public StackOptions withCodeCache(Path dir) {
    return new StackOptions(
        workDir,
        environmentOverlay,
        secretValues,
        maxEnvironments,
        asyncRetryDelay,
        edgePort,
        apiPort,
        sessionToken,
        dir);
  }
}
