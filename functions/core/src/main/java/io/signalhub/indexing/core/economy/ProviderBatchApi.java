package io.signalhub.indexing.core.economy;

import java.util.List;
import java.util.Map;

/**
 * A provider's asynchronous batch API (OpenAI's Batch API, Bedrock batch inference): an input file
 * of one embeddings request per line, a batch created from it, its state read later, its results
 * read from output and error files. Each request carries a {@code customId} the results repeat, so
 * vectors are matched by id, never by position.
 */
public interface ProviderBatchApi {

  /** The per-file limits: most requests and most bytes in one input file. */
  record FileLimits(int maxRequests, long maxBytes) {
    /**
     * OpenAI's: 50,000 requests and 200 MB per input file (platform.openai.com/docs/guides/batch).
     */
    public static final FileLimits OPENAI = new FileLimits(50_000, 200L * 1024 * 1024);
  }

  /** One input line's request. */
  record Request(String customId, String model, int dimensions, String text) {}

  /**
   * One result line: a vector, or the provider's reason why there is none.
   *
   * @param tokens the tokens the request was billed for (0 for a failure)
   */
  record Result(String customId, float[] vector, long tokens, String error) {
    public boolean succeeded() {
      return vector != null;
    }
  }

  FileLimits limits();

  /** The bytes one request takes in an input file, newline included (to pack within limits). */
  byte[] line(Request request);

  /**
   * Uploads an input file and creates a batch from it.
   *
   * @param name a file name for the provider's listing
   * @param jsonl the lines, as {@link #line} wrote them
   * @param metadata labels the provider keeps with the batch (job, submission)
   * @return the batch as created
   */
  ProviderBatch submit(String name, byte[] jsonl, Map<String, String> metadata);

  /** The batch's state now. */
  ProviderBatch get(String batchId);

  /** Asks the provider to stop a batch nobody needs any more (its job was cancelled). */
  void cancel(String batchId);

  /** The results of a batch's output and error files (empty when it has none). */
  List<Result> results(ProviderBatch batch);
}
