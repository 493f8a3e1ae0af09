package io.signalhub.indexing.core.job;

/**
 * A batch the fan-out is about to enqueue.
 *
 * @param seq its number in the job, from 0
 * @param chunks chunks in it; the embedder accounts exactly this many
 */
public record RegisteredBatch(long seq, int chunks) {}
