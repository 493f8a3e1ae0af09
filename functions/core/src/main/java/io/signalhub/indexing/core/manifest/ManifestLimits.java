package io.signalhub.indexing.core.manifest;

/**
 * What a manifest may hold.
 *
 * @param maxBytes size of the manifest object
 * @param maxFiles files listed
 * @param maxFileBytes size of one listed file
 * @param maxPathLength characters of one path
 */
public record ManifestLimits(long maxBytes, long maxFiles, long maxFileBytes, int maxPathLength) {

  /** 1 GiB of manifest, 5 million files, 10 MiB per file, 1,024-character paths. */
  public static final ManifestLimits DEFAULTS =
      new ManifestLimits(1L << 30, 5_000_000, 10L << 20, 1024);
}
