package io.signalhub.indexing.cli;

/**
 * Bad usage or configuration found before any work starts: printed as one line, exit code 2. The
 * message says what is wrong and what to do.
 */
final class UsageException extends RuntimeException {

  UsageException(String message) {
    super(message);
  }
}
