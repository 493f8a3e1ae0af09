package io.signalhub.indexing.core.source;

/** Why a file was not indexed. Every skip is counted and reported, never silent. */
public enum SkipReason {
  /** Matched a .gitignore rule. */
  GITIGNORED,
  /** Inside a vendored or generated tree (node_modules, target, dist, .git, ...). */
  VENDORED_OR_GENERATED,
  /** Larger than the configured maximum file size. */
  TOO_LARGE,
  /** Contains NUL bytes: an image, archive or compiled file. */
  BINARY,
  /** Not valid UTF-8. */
  NOT_UTF8,
  /** Could not be read (permissions, vanished, I/O error). */
  UNREADABLE,
  /** Matched a .signalhubignore rule. */
  SIGNALHUBIGNORED,
  /** Holds secrets by its nature (.env, private keys, credentials, ...): never read or sent. */
  SECRET_FILE,
  /** Counts chunks, not files: a chunk whose text holds a secret, skipped (the default). */
  SECRET_TEXT,
  /** Counts chunks, not files: a chunk embedded with its secrets replaced (secrets=redact). */
  SECRET_REDACTED
}
