package io.signalhub.indexing.core.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a validated manifest's files are, so a shard or a continuation reads from near its first
 * file instead of from the manifest's start: the byte offset of every {@link #STRIDE}th file, and
 * whether the header can be read without reading the files (no member follows them).
 *
 * @param headerFirst every member but {@code files} comes before it (scripts/index writes so)
 * @param checkpoints {@code checkpoints.get(k)}: the byte offset of {@code files[k * STRIDE]}
 */
public record ManifestIndex(boolean headerFirst, List<Long> checkpoints) {

  /** Files between two checkpoints: 5,000,000 files make 4,883 checkpoints. */
  public static final int STRIDE = 1024;

  /** No index: read from the start (a plan recorded before indexes existed). */
  public static final ManifestIndex NONE = new ManifestIndex(false, List.of());

  private static final ObjectMapper JSON = new ObjectMapper();

  public ManifestIndex {
    checkpoints = List.copyOf(checkpoints);
  }

  /** Where the header ends at the latest, when it comes first: the first file's offset. */
  public long headerEnd() {
    return headerFirst && !checkpoints.isEmpty() ? checkpoints.get(0) : Long.MAX_VALUE;
  }

  /** The checkpoint at or before file {@code file}: the file it starts at and its byte offset. */
  public Seek seek(long file) {
    int checkpoint = (int) Math.min(file / STRIDE, checkpoints.size() - 1L);
    return checkpoint < 0
        ? Seek.START
        : new Seek((long) checkpoint * STRIDE, checkpoints.get(checkpoint));
  }

  /**
   * Where to start reading for a file.
   *
   * @param file the index of the first file read from there
   * @param offset its byte offset in the manifest; 0 means read the manifest from its start
   */
  public record Seek(long file, long offset) {
    public static final Seek START = new Seek(0, 0);
  }

  /** The index as stored beside a sharded job's batches. */
  public byte[] toJson() {
    ObjectNode node = JSON.createObjectNode().put("headerFirst", headerFirst).put("stride", STRIDE);
    ArrayNode offsets = node.putArray("checkpoints");
    checkpoints.forEach(offsets::add);
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** An index {@link #toJson} wrote; {@link #NONE} for one written with another stride. */
  public static ManifestIndex fromJson(byte[] json) throws IOException {
    JsonNode node = JSON.readTree(json);
    if (node.path("stride").asInt() != STRIDE) {
      return NONE;
    }
    List<Long> offsets = new ArrayList<>();
    node.path("checkpoints").forEach(offset -> offsets.add(offset.asLong()));
    return new ManifestIndex(node.path("headerFirst").asBoolean(), offsets);
  }

  /** Collects the index while {@link ManifestReader#validate} reads the files. */
  static final class Builder {
    private final List<Long> checkpoints = new ArrayList<>();
    private boolean memberAfterFiles;

    void file(long index, long offset) {
      if (index % STRIDE == 0) {
        checkpoints.add(offset);
      }
    }

    void memberAfterFiles() {
      memberAfterFiles = true;
    }

    ManifestIndex build() {
      return new ManifestIndex(!memberAfterFiles, checkpoints);
    }
  }
}
