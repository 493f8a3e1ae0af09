package io.signalhub.indexing.aws.s3;

import io.signalhub.indexing.core.pipeline.BlobStore;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/** One bucket as a {@link BlobStore}. */
public record S3BlobStore(S3Client s3, String bucket) implements BlobStore {

  @Override
  public Optional<Long> size(String key) {
    try {
      return Optional.of(s3.headObject(r -> r.bucket(bucket).key(key)).contentLength());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public InputStream open(String key) {
    try {
      return s3.getObject(r -> r.bucket(bucket).key(key));
    } catch (NoSuchKeyException e) {
      throw new BlobNotFoundException(key);
    }
  }

  @Override
  public InputStream open(String key, long from, long to) {
    if (from == 0 && to == Long.MAX_VALUE) {
      return open(key); // the whole object: a plain GET (a range on an empty object is a 416)
    }
    // HTTP ranges are inclusive; an open end reads to the object's end
    String range = "bytes=" + from + "-" + (to == Long.MAX_VALUE ? "" : String.valueOf(to - 1));
    try {
      return s3.getObject(r -> r.bucket(bucket).key(key).range(range));
    } catch (NoSuchKeyException e) {
      throw new BlobNotFoundException(key);
    }
  }

  @Override
  public byte[] read(String key) {
    try {
      return s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray();
    } catch (NoSuchKeyException e) {
      throw new BlobNotFoundException(key);
    }
  }

  @Override
  public void put(String key, byte[] bytes) {
    s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
  }

  @Override
  public List<String> list(String prefix) {
    return s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents().stream()
        .map(S3Object::key)
        .toList();
  }

  /** DeleteObjects, up to 1,000 keys per request (the API's limit). */
  @Override
  public void delete(List<String> keys) {
    for (int i = 0; i < keys.size(); i += 1000) {
      List<ObjectIdentifier> objects =
          keys.subList(i, Math.min(keys.size(), i + 1000)).stream()
              .map(key -> ObjectIdentifier.builder().key(key).build())
              .toList();
      s3.deleteObjects(r -> r.bucket(bucket).delete(d -> d.objects(objects).quiet(true)));
    }
  }
}
