package io.signalhub.indexing.core.manifest;

/**
 * Everything in a manifest but its files.
 *
 * @param version format version (1)
 * @param repository what is indexed, e.g. "acme/shop"
 * @param revision commit or tag, informational
 * @param sourcesPrefix where the files are in the bucket: {@code <prefix><path>}
 * @param settings per-job overrides
 */
public record ManifestHeader(
    int version, String repository, String revision, String sourcesPrefix, JobSettings settings) {

  /**
   * Per-job overrides a user may set in the manifest; 0 means "the deployment's default".
   *
   * @param chunkTokens most tokens per chunk
   * @param overlapLines lines repeated across a cut
   * @param batchSize most chunks per request
   * @param concurrency most batches of the job embedded at once (per embedder process)
   * @param mode "on-demand" or "economy" (the provider's batch API); null means the deployment's
   * @param economyFallback what becomes of an expired, cancelled or failed provider batch:
   *     "on-demand", "resubmit" or "fail"; null means the deployment's
   */
  public record JobSettings(
      int chunkTokens,
      int overlapLines,
      int batchSize,
      int concurrency,
      String mode,
      String economyFallback) {
    public static final JobSettings DEFAULTS = new JobSettings(0, 0, 0, 0);

    public JobSettings(int chunkTokens, int overlapLines, int batchSize, int concurrency) {
      this(chunkTokens, overlapLines, batchSize, concurrency, null, null);
    }
  }
}
