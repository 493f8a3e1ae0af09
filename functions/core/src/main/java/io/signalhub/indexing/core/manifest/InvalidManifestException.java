package io.signalhub.indexing.core.manifest;

/** The manifest cannot be used; the message says what is wrong and where, for the job's reason. */
public final class InvalidManifestException extends Exception {
  public InvalidManifestException(String message) {
    super(message);
  }
}
