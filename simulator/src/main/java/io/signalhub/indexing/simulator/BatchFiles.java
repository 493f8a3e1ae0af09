package io.signalhub.indexing.simulator;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Batch API's file store and its one id sequence: uploaded input files, and the output and
 * error files batches write when they settle ({@code GET /v1/files/{id}/content}).
 */
final class BatchFiles {

  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  /** The next number of the sequence every id ({@code file-}, {@code batch_}, …) is drawn from. */
  long nextId() {
    return ids.incrementAndGet();
  }

  /** Stores {@code content} under a new {@code file-<n>} id. */
  String store(byte[] content) {
    String id = "file-" + nextId();
    files.put(id, content);
    return id;
  }

  /** Stores JSONL text if there is any; the new file's id, else null. */
  String storeLines(CharSequence lines) {
    return lines.length() == 0 ? null : store(lines.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** A file's content, or null if there is no such file. */
  byte[] content(String id) {
    return files.get(id);
  }
}
