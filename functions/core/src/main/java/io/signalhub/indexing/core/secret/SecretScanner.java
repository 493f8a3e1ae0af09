package io.signalhub.indexing.core.secret;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds well-known secret shapes in text: cloud and API keys, tokens, private-key blocks. The
 * shapes are the ones the providers publish for their own scanners (AWS access key ids, OpenAI and
 * Stripe {@code sk-}/{@code sk_live_} keys, GitHub's prefixed tokens, Slack tokens and webhooks,
 * Google API keys, PEM private keys), so false positives on ordinary code are rare.
 */
public final class SecretScanner {

  /**
   * One kind of secret and the shape that gives it away. Every match of {@code pattern} contains
   * one of the {@code hints} (ignoring case if {@code hintsIgnoreCase}): text without any is not
   * matched at all, which spares ordinary code nine regular-expression passes per chunk.
   */
  public record Shape(String name, Pattern pattern, List<String> hints, boolean hintsIgnoreCase) {

    Shape(String name, Pattern pattern, String... hints) {
      this(name, pattern, List.of(hints), false);
    }

    boolean mayMatch(String text) {
      for (String hint : hints) {
        if (hintsIgnoreCase ? containsIgnoreCase(text, hint) : text.contains(hint)) {
          return true;
        }
      }
      return false;
    }
  }

  /** A secret found: its kind and where it is in the text. */
  public record Finding(String shape, int start, int end) {}

  public static final List<Shape> SHAPES =
      List.of(
          new Shape(
              "private key block",
              Pattern.compile(
                  "-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
                      + "(?:[\\s\\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|[\\s\\S]*)"),
              "PRIVATE KEY"),
          new Shape(
              "AWS access key id",
              Pattern.compile("\\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\\b"),
              "AKIA",
              "ASIA",
              "ABIA",
              "ACCA"),
          new Shape(
              "AWS secret access key",
              Pattern.compile(
                  "(?i)aws_?secret_?access_?key[\"']?\\s*[:=]\\s*[\"']?[A-Za-z0-9/+=]{40}"),
              List.of("secret"),
              true),
          new Shape(
              "API secret key (sk-)",
              Pattern.compile("\\bsk-[A-Za-z0-9_-]*[A-Za-z0-9]{16,}[A-Za-z0-9_-]*"),
              "sk-"),
          new Shape(
              "Stripe key",
              Pattern.compile("\\b[rs]k_(?:live|test)_[0-9A-Za-z]{16,}"),
              "k_live_",
              "k_test_"),
          new Shape(
              "GitHub token",
              Pattern.compile("\\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"),
              "ghp_",
              "gho_",
              "ghu_",
              "ghs_",
              "ghr_",
              "github_pat_"),
          new Shape("Slack token", Pattern.compile("\\bxox[abposr]-[A-Za-z0-9-]{10,}"), "xox"),
          new Shape(
              "Slack webhook",
              Pattern.compile(
                  "https://hooks\\.slack\\.com/services/T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]+"),
              "hooks.slack.com"),
          new Shape("Google API key", Pattern.compile("\\bAIza[0-9A-Za-z_-]{35}\\b"), "AIza"));

  private SecretScanner() {}

  /** Every secret in the text, in order of position. */
  public static List<Finding> scan(String text) {
    List<Finding> findings = new ArrayList<>();
    for (Shape shape : SHAPES) {
      if (!shape.mayMatch(text)) {
        continue;
      }
      Matcher matcher = shape.pattern().matcher(text);
      while (matcher.find()) {
        findings.add(new Finding(shape.name(), matcher.start(), matcher.end()));
      }
    }
    findings.sort(java.util.Comparator.comparingInt(Finding::start));
    return findings;
  }

  /** Whether {@code text} contains {@code lowerCaseHint} in any case (ASCII letters). */
  static boolean containsIgnoreCase(String text, String lowerCaseHint) {
    char first = lowerCaseHint.charAt(0);
    for (int i = 0, last = text.length() - lowerCaseHint.length(); i <= last; i++) {
      if ((text.charAt(i) | 0x20) == first
          && text.regionMatches(true, i, lowerCaseHint, 0, lowerCaseHint.length())) {
        return true;
      }
    }
    return false;
  }

  /** The first secret's kind, if the text holds any. */
  public static Optional<String> firstShape(String text) {
    List<Finding> findings = scan(text);
    return findings.isEmpty() ? Optional.empty() : Optional.of(findings.get(0).shape());
  }

  /** The text with every secret replaced by {@code [REDACTED <kind>]}. */
  public static String redact(String text) {
    List<Finding> findings = scan(text);
    StringBuilder out = new StringBuilder(text.length());
    int at = 0;
    for (Finding finding : findings) {
      if (finding.start() < at) {
        continue; // overlaps one already redacted
      }
      out.append(text, at, finding.start())
          .append("[REDACTED ")
          .append(finding.shape())
          .append(']');
      at = finding.end();
    }
    return out.append(text.substring(at)).toString();
  }
}
