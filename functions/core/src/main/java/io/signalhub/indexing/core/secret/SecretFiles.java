package io.signalhub.indexing.core.secret;

import io.signalhub.indexing.core.source.GitIgnore;
import java.util.List;

/**
 * Files that hold secrets by their nature (environment files, private keys, keystores, package
 * registry and cloud credentials, Terraform variables): never read, never uploaded, never embedded,
 * whoever wrote the manifest. Matched with gitignore syntax on the path.
 */
public final class SecretFiles {

  /** The rules, in gitignore syntax (docs/secrets.md lists them for users). */
  public static final List<String> PATTERNS =
      List.of(
          ".env",
          ".env.*",
          "*.env",
          "*.pem",
          "*.key",
          "*.p12",
          "*.pfx",
          "*.jks",
          "*.keystore",
          "id_rsa*",
          "id_dsa*",
          "id_ecdsa*",
          "id_ed25519*",
          "credentials",
          "credentials.json",
          ".npmrc",
          ".pypirc",
          ".netrc",
          ".git-credentials",
          ".htpasswd",
          "*.tfvars",
          "*.tfvars.json",
          "*.tfstate",
          "*.tfstate.backup");

  private static final GitIgnore RULES = GitIgnore.parse("", String.join("\n", PATTERNS));

  private SecretFiles() {}

  /**
   * Whether a file is secret-bearing by its name.
   *
   * @param path relative, with / separators
   */
  public static boolean matches(String path) {
    return Boolean.TRUE.equals(RULES.matches(path, false));
  }
}
