package io.signalhub.indexing.core.source;

import java.nio.file.Path;

/**
 * A file to index.
 *
 * @param path relative to the root, with / separators
 * @param absolute where it is on disk
 * @param size bytes
 */
public record SourceFile(String path, Path absolute, long size) {}
