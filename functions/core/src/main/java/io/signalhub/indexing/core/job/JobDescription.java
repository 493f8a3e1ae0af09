package io.signalhub.indexing.core.job;

/**
 * What the fan-out records about a job once the manifest is validated: where its code comes from,
 * how many files the manifest lists, and the settings the job runs with (the manifest's own, else
 * the deployment's).
 *
 * @param batchSize the configured number of chunks per provider call
 * @param concurrency most batches of this job embedded at once per embedder process (0: the
 *     deployment's {@code signal-hub.concurrency})
 */
public record JobDescription(
    String repository,
    String revision,
    long files,
    int chunkTokens,
    int overlapLines,
    int batchSize,
    int concurrency) {}
