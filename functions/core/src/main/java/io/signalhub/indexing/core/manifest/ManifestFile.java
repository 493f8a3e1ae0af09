package io.signalhub.indexing.core.manifest;

/**
 * One file of a manifest.
 *
 * @param path relative to the repository root, / separated, no {@code ..}
 * @param sha256 hex SHA-256 of the file's bytes, checked when the file is read
 * @param size bytes
 */
public record ManifestFile(String path, String sha256, long size) {}
