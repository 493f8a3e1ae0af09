package io.signalhub.indexing.core.pipeline;

import io.signalhub.indexing.core.manifest.InvalidManifestException;
import io.signalhub.indexing.core.manifest.ManifestLimits;
import io.signalhub.indexing.core.manifest.ManifestReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A manifest read whole before its job enqueues anything (invariant 8: a malformed manifest fails
 * its job with a reason and enqueues nothing): its size first, so an oversized object is never
 * streamed, then every line.
 */
final class ManifestCheck {

  private ManifestCheck() {}

  /**
   * @return what the fan-out needs before streaming: the header and the file count
   * @throws InvalidManifestException with the reason the job fails with
   */
  static ManifestReader.Summary validate(BlobStore blobs, ManifestLimits limits, String manifestKey)
      throws InvalidManifestException {
    long size =
        blobs
            .size(manifestKey)
            .orElseThrow(() -> new InvalidManifestException("no object at " + manifestKey));
    if (size > limits.maxBytes()) {
      throw new InvalidManifestException(
          "the manifest is " + size + " bytes, over the limit of " + limits.maxBytes());
    }
    try (InputStream in = blobs.open(manifestKey)) {
      return new ManifestReader(limits).validate(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
