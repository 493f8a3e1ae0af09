package io.signalhub.indexing.local.services;

import java.util.function.Consumer;

/**
 * A bucket's event notification, as S3 configures one: {@code ObjectCreated} events for keys in
 * {@code bucket} that start with {@code prefix} and end with {@code suffix} go to {@code target}
 * (docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html). Writes to
 * other buckets, or to other keys, announce nothing.
 *
 * @param target receives each event as S3's JSON
 */
public record S3Notification(String bucket, String prefix, String suffix, Consumer<String> target) {

  public S3Notification {
    if (bucket == null || bucket.isBlank()) {
      throw new IllegalArgumentException("An S3 notification needs its bucket");
    }
    prefix = prefix == null ? "" : prefix;
    suffix = suffix == null ? "" : suffix;
  }

  /** Whether a write of {@code key} to {@code bucket} is announced. */
  public boolean matches(String bucket, String key) {
    return this.bucket.equals(bucket)
        && key != null
        && key.startsWith(prefix)
        && key.endsWith(suffix);
  }
}
