package io.signalhub.indexing.local.services;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * No S3 emulator sends event notifications (s3proxy answers 501), so this wrapper publishes an
 * {@code ObjectCreated} event after each successful write that the bucket's notification matches,
 * in the JSON shape S3 sends to Lambda
 * (docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html): keys
 * URL-encoded, one record per event. s3proxy's internal multipart stubs are not announced.
 */
final class S3EventPublishingBlobStore extends ForwardingBlobStore {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String INTERNAL_PREFIX = ".s3proxy-mpu-stub-";

  private final List<S3Notification> notifications;
  private final String region;
  private final AtomicLong sequencer = new AtomicLong();

  /**
   * @param notifications the buckets' notification configurations, read at each write (they may
   *     change while the server runs, as with PutBucketNotificationConfiguration)
   */
  S3EventPublishingBlobStore(
      BlobStore delegate, String region, List<S3Notification> notifications) {
    super(delegate);
    this.region = region;
    this.notifications = notifications;
  }

  @Override
  public PutObjectResponse putBlob(PutObjectRequest request, InputStream content) {
    PutObjectResponse response = super.putBlob(request, content);
    publish(
        "ObjectCreated:Put",
        request.bucket(),
        request.key(),
        request.contentLength(),
        response.eTag());
    return response;
  }

  @Override
  public CopyObjectResponse copyBlob(CopyObjectRequest request) {
    CopyObjectResponse response = super.copyBlob(request);
    publish(
        "ObjectCreated:Copy",
        request.destinationBucket(),
        request.destinationKey(),
        null,
        response.copyObjectResult() == null ? null : response.copyObjectResult().eTag());
    return response;
  }

  @Override
  public CompleteMultipartUploadResponse completeMultipartUpload(
      MultipartUpload upload, CompleteMultipartUploadRequest request) {
    CompleteMultipartUploadResponse response = super.completeMultipartUpload(upload, request);
    publish(
        "ObjectCreated:CompleteMultipartUpload",
        request.bucket(),
        request.key(),
        null,
        response.eTag());
    return response;
  }

  private void publish(String eventName, String bucket, String key, Long size, String eTag) {
    if (key == null || key.startsWith(INTERNAL_PREFIX)) {
      return;
    }
    List<S3Notification> matching =
        notifications.stream().filter(n -> n.matches(bucket, key)).toList();
    if (matching.isEmpty()) {
      return;
    }
    ObjectNode record = JSON.createObjectNode();
    record
        .put("eventVersion", "2.1")
        .put("eventSource", "aws:s3")
        .put("awsRegion", region)
        .put("eventTime", Instant.now().toString())
        .put("eventName", eventName);
    record.putObject("userIdentity").put("principalId", "local");
    record.putObject("requestParameters").put("sourceIPAddress", "127.0.0.1");
    record
        .putObject("responseElements")
        .put("x-amz-request-id", UUID.randomUUID().toString())
        .put("x-amz-id-2", "local");
    ObjectNode s3 =
        record
            .putObject("s3")
            .put("s3SchemaVersion", "1.0")
            .put("configurationId", "local-notifications");
    s3.putObject("bucket")
        .put("name", bucket)
        .put("arn", "arn:aws:s3:::" + bucket)
        .putObject("ownerIdentity")
        .put("principalId", "local");
    ObjectNode object =
        s3.putObject("object")
            .put("key", URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/"));
    if (size != null) {
      object.put("size", size);
    }
    if (eTag != null) {
      object.put("eTag", eTag.replace("\"", ""));
    }
    object.put("sequencer", String.format("%016X", sequencer.incrementAndGet()));
    ObjectNode event = JSON.createObjectNode();
    event.putArray("Records").add(record);
    matching.forEach(notification -> notification.target().accept(event.toString()));
  }
}
