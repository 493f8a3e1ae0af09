package io.signalhub.indexing.core.job;

/**
 * What a job was asked to do: the code base, the embedding provider and model, and the settings the
 * fan-out recorded once it read the manifest.
 *
 * @param repository the manifest's repository ({@code ""} until the fan-out reads it)
 * @param revision the manifest's revision ({@code ""} until the fan-out reads it)
 * @param manifestKey the object the job indexes
 * @param batchSize the configured number of chunks per provider call
 * @param concurrency how many batches of this job may be embedded at once
 */
public record JobSpec(
    String repository,
    String revision,
    String manifestKey,
    String provider,
    String model,
    int dimensions,
    int chunkTokens,
    int overlapLines,
    int batchSize,
    int concurrency) {

  /** A job's spec as the fan-out creates it, before the manifest is read. */
  public static JobSpec requested(
      String manifestKey, String provider, String model, int dimensions) {
    return new JobSpec("", "", manifestKey, provider, model, dimensions, 0, 0, 0, 0);
  }

  /** This spec with what the fan-out read from the manifest. */
  public JobSpec described(JobDescription d) {
    return new JobSpec(
        d.repository(),
        d.revision(),
        manifestKey,
        provider,
        model,
        dimensions,
        d.chunkTokens(),
        d.overlapLines(),
        d.batchSize(),
        d.concurrency());
  }
}
