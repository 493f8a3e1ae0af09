package io.signalhub.indexing.core.manifest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The paths seen so far, as 64-bit fingerprints (the first 8 bytes of their SHA-256) in an
 * open-addressing table: 8–16 bytes per file instead of the path itself, so a 5,000,000-file
 * manifest costs at most 80 MB. Two different paths share a fingerprint with probability about
 * n²/2⁶⁵ (under 10⁻⁶ at 5,000,000 files).
 */
final class PathFingerprints {

  private static final long EMPTY = 0;

  private long[] table = new long[1024];
  private int size;
  private final MessageDigest sha256;

  PathFingerprints() {
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime has SHA-256", e);
    }
  }

  /** Adds a path; false when it was already there. */
  boolean add(String path) {
    byte[] digest = sha256.digest(path.getBytes(StandardCharsets.UTF_8));
    long fingerprint = 0;
    for (int i = 0; i < 8; i++) {
      fingerprint = (fingerprint << 8) | (digest[i] & 0xff);
    }
    if (fingerprint == EMPTY) {
      fingerprint = 1;
    }
    if ((size + 1) * 2L > table.length) {
      grow();
    }
    return insert(table, fingerprint) && ++size > 0;
  }

  private static boolean insert(long[] into, long fingerprint) {
    int mask = into.length - 1;
    int slot = (int) (fingerprint ^ (fingerprint >>> 32)) & mask;
    while (into[slot] != EMPTY) {
      if (into[slot] == fingerprint) {
        return false;
      }
      slot = (slot + 1) & mask;
    }
    into[slot] = fingerprint;
    return true;
  }

  private void grow() {
    long[] bigger = new long[table.length * 2];
    Arrays.stream(table).filter(f -> f != EMPTY).forEach(f -> insert(bigger, f));
    table = bigger;
  }
}
