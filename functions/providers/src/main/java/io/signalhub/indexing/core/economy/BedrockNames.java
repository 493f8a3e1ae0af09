package io.signalhub.indexing.core.economy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A submission's name in the shapes CreateModelInvocationJob accepts
 * (docs.aws.amazon.com/bedrock/latest/APIReference/API_CreateModelInvocationJob.html): a job name
 * of at most 63 characters from {@code [a-zA-Z0-9+.-]} starting with a letter or digit, a client
 * request token of letters, digits and hyphens, an input file name ending in {@code .jsonl}.
 */
final class BedrockNames {

  private static final int MAX_JOB_NAME = 63;

  private BedrockNames() {}

  static String jobName(String name) {
    String base = name.endsWith(".jsonl") ? name.substring(0, name.length() - 6) : name;
    String cleaned = base.replaceAll("[^a-zA-Z0-9+.-]", "-").replaceFirst("^[^a-zA-Z0-9]+", "");
    if (cleaned.isEmpty()) {
      cleaned = "signal-hub";
    }
    if (cleaned.length() <= MAX_JOB_NAME) {
      return cleaned;
    }
    // cut, but keep distinct names distinct
    String digest = digest(name).substring(0, 8);
    return cleaned.substring(0, MAX_JOB_NAME - digest.length() - 1) + "-" + digest;
  }

  /** Equal for equal names: Bedrock answers a repeated token with the job it already created. */
  static String requestToken(String name) {
    return digest(name);
  }

  static String fileName(String name) {
    String cleaned = name.replaceAll("[^a-zA-Z0-9._-]", "-");
    return cleaned.endsWith(".jsonl") ? cleaned : cleaned + ".jsonl";
  }

  private static String digest(String name) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
