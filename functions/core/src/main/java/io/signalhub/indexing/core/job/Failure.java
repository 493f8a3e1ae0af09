package io.signalhub.indexing.core.job;

/**
 * Why a chunk or file failed.
 *
 * @param location "path:start-end" for a chunk, "path" for a file
 * @param reason what went wrong, for a person
 */
public record Failure(String location, String reason) {}
