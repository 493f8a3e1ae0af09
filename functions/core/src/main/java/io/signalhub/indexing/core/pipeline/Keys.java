package io.signalhub.indexing.core.pipeline;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where things live in the bucket. A job's id is its manifest's file name. */
public final class Keys {

  public static final String MANIFESTS = "manifests/";
  public static final String SOURCES = "sources/";
  public static final String BATCHES = "batches/";
  public static final String VECTORS = "vectors/";

  /** The longest job id. */
  public static final int JOB_ID_MAX_LENGTH = 128;

  /** What a job id may hold, in words, for the messages that refuse one. */
  public static final String JOB_ID_CHARACTERS =
      "a letter or digit, then letters, digits, '.', '_' or '-'";

  /** Job ids: what S3 keys, DynamoDB and URLs all take without escaping. */
  private static final Pattern JOB_ID =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0," + (JOB_ID_MAX_LENGTH - 1) + "}");

  private static final Pattern MANIFEST_KEY = Pattern.compile("manifests/([^/]+)\\.json");

  private Keys() {}

  /** Whether {@code id} can be a job's id: the one rule the status API and the CLI check. */
  public static boolean isJobId(String id) {
    return id != null && JOB_ID.matcher(id).matches();
  }

  /** Why {@code id} is refused, e.g. "malformed job id '../x': a letter or digit, then ...". */
  public static String malformedJobId(String id) {
    return "malformed job id '"
        + id
        + "': "
        + JOB_ID_CHARACTERS
        + ", at most "
        + JOB_ID_MAX_LENGTH
        + " characters";
  }

  /** The job id of {@code manifests/<job>.json}; empty for any other key. */
  public static Optional<String> jobIdOf(String manifestKey) {
    Matcher matcher = MANIFEST_KEY.matcher(manifestKey);
    return matcher.matches() && isJobId(matcher.group(1))
        ? Optional.of(matcher.group(1))
        : Optional.empty();
  }

  public static String manifest(String jobId) {
    return MANIFESTS + jobId + ".json";
  }

  public static String batchPayload(String jobId, long seq) {
    return BATCHES + jobId + "/" + String.format("%010d", seq) + ".json";
  }

  /** Where a sharded job's {@link io.signalhub.indexing.core.manifest.ManifestIndex} is kept. */
  public static String manifestIndex(String jobId) {
    return BATCHES + jobId + "/manifest-index.json";
  }

  public static String vectors(String jobId, long seq) {
    return VECTORS + jobId + "/" + String.format("%010d", seq) + ".jsonl";
  }

  /** Vectors of the chunks a fan-out found cached, for the group starting at {@code from}. */
  public static String cachedVectors(String jobId, io.signalhub.indexing.core.job.Cursor from) {
    return VECTORS
        + jobId
        + "/cached-"
        + String.format("%010d-%06d", from.file(), from.chunk())
        + ".jsonl";
  }

  public static String vectorsPrefix(String jobId) {
    return VECTORS + jobId + "/";
  }
}
