package io.signalhub.indexing.core.pipeline;

import io.signalhub.indexing.core.batch.Batch;
import io.signalhub.indexing.core.batch.Batcher;
import io.signalhub.indexing.core.job.Cursor;
import io.signalhub.indexing.core.job.Failure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Packs a job's chunk stream, in order, into token-budgeted batches and the batches into groups,
 * counting cached chunks and skipped files with the group they belong to, and hands each group to
 * the {@link GroupWriter} with the cursor range it covers.
 *
 * <p>A group covers the stream up to the first chunk it does not hold: counts met after the open
 * batch's first chunk follow that batch into its group, so a resumed fan-out (which starts at the
 * group's end) never counts them twice.
 */
final class GroupPacker {

  /** Cached vectors held before a group is flushed to bound memory (about 1.5 MB at 384 dims). */
  private static final int MAX_CACHED_VECTORS_PER_GROUP = 1000;

  /** Texts remembered per invocation for twin detection (about 10 MB of keys). */
  private static final int TWIN_MEMORY = 50_000;

  private final Batcher<ChunkStream.Piece>.Packer packer;
  private final GroupWriter writer;
  private final int groupBatches;
  private final String modelName;
  private final VectorRecord.Encoding encoding;
  private final List<Batch<ChunkStream.Piece>> openGroup = new ArrayList<>();

  /**
   * The batch that carries each text this invocation batched (the most recent {@value
   * #TWIN_MEMORY}), so a repeated text is embedded once: later copies become twins of it.
   */
  private final Map<String, Long> firstBatchOfText =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > TWIN_MEMORY;
        }
      };

  /** Counts before the open batch's first chunk: they go with the next group. */
  private GroupTally group = new GroupTally();

  /** Counts after the open batch's first chunk: they follow that batch. */
  private GroupTally deferred = new GroupTally();

  private Cursor groupFrom;
  private int groupsFlushed;

  GroupPacker(
      Batcher<ChunkStream.Piece>.Packer packer,
      GroupWriter writer,
      Cursor from,
      int groupBatches,
      String modelName,
      VectorRecord.Encoding encoding) {
    this.packer = packer;
    this.writer = writer;
    this.groupFrom = from;
    this.groupBatches = groupBatches;
    this.modelName = modelName;
    this.encoding = encoding;
  }

  /**
   * Closes the open batch and writes everything taken so far as a group ending at {@code to}.
   *
   * @return the next batch sequence number (every batch before it is sent)
   */
  long flushAll(Cursor to) {
    closeOpenBatch();
    flush(to);
    return packer.nextSequence();
  }

  private GroupTally tally() {
    return packer.isEmpty() ? group : deferred;
  }

  /** Counts a file's cached chunks, batches the others in order, or counts the file skipped. */
  void take(ChunkStream.ReadFile file) {
    if (file.skipped() != null) {
      GroupTally tally = tally();
      tally.skipped.merge(file.skipped(), 1L, Long::sum);
      if (file.failure() != null) {
        tally.failures.add(new Failure(file.path(), file.failure()));
      }
    }
    for (ChunkStream.Piece piece : file.pieces()) {
      if (piece.screened() != null) {
        tally().skipped.merge(piece.screened(), 1L, Long::sum);
      }
      if (piece.chunk() == null) {
        continue;
      }
      if (piece.cached() != null) {
        GroupTally tally = tally();
        tally.cached++;
        tally.cachedVectors.add(
            new VectorRecord(piece.chunk(), modelName, piece.cached()).toJsonLine(encoding));
        if (tally.cachedVectors.size() >= MAX_CACHED_VECTORS_PER_GROUP) {
          closeOpenBatch();
          flush(new Cursor(piece.position().file(), piece.position().chunk() + 1));
        }
        continue;
      }
      if (!packer.fits(piece)) {
        closeOpenBatch();
        if (openGroup.size() >= groupLimit()) {
          flush(piece.position());
        }
      }
      long open = packer.nextSequence();
      Long first = firstBatchOfText.putIfAbsent(piece.key(), open);
      packer.add(first == null || first == open ? piece : piece.twinOf(first));
    }
    tally().filesRead++;
  }

  /**
   * Batches per group: 1, 2, 4, ... up to {@code signal-hub.group-batches}. The embedders start on
   * the first batch instead of waiting for a full group; large jobs still send ten messages per
   * SendMessageBatch call and one registration transaction per ten batches.
   */
  private int groupLimit() {
    return (int) Math.min(groupBatches, 1L << Math.min(groupsFlushed, 30));
  }

  private void closeOpenBatch() {
    if (!packer.isEmpty()) {
      openGroup.add(packer.drain());
      deferred.addTo(group);
      deferred = new GroupTally();
    }
  }

  /** Writes the group's payloads, registers it with the cursor, sends its messages. */
  private void flush(Cursor to) {
    if (openGroup.isEmpty() && group.isEmpty() && to.equals(groupFrom)) {
      return;
    }
    if (writer.write(groupFrom, to, openGroup, group) > 0) {
      groupsFlushed++;
    }
    openGroup.clear();
    group = new GroupTally();
    groupFrom = to;
  }
}
