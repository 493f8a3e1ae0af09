package io.signalhub.indexing.core.source;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The rules of one .gitignore file, matched the way git does (git-scm.com/docs/gitignore): the last
 * matching rule wins, {@code !} re-includes, a trailing {@code /} matches directories only, a
 * pattern with a slash is anchored to the file's directory, {@code **} spans directories.
 */
public final class GitIgnore {

  private record Rule(Pattern pattern, boolean negated, boolean directoryOnly) {}

  private final String base;
  private final List<Rule> rules;

  private GitIgnore(String base, List<Rule> rules) {
    this.base = base;
    this.rules = rules;
  }

  /**
   * Parses a .gitignore.
   *
   * @param base the directory holding it, relative to the root, "" for the root, else ending in /
   */
  public static GitIgnore parse(String base, String content) {
    List<Rule> rules = new ArrayList<>();
    for (String raw : content.split("\r?\n")) {
      String line = withoutTrailingSpaces(raw);
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      boolean negated = line.startsWith("!");
      if (negated) {
        line = line.substring(1);
      }
      if (line.startsWith("\\")) {
        line = line.substring(1);
      }
      boolean directoryOnly = line.endsWith("/");
      if (directoryOnly) {
        line = line.substring(0, line.length() - 1);
      }
      boolean anchored = line.contains("/");
      if (line.startsWith("/")) {
        line = line.substring(1);
      }
      if (line.isEmpty()) {
        continue;
      }
      String regex = (anchored ? "" : "(?:.*/)?") + globToRegex(line);
      rules.add(new Rule(Pattern.compile(regex), negated, directoryOnly));
    }
    return new GitIgnore(base, rules);
  }

  /**
   * Whether this file ignores the path: TRUE ignored, FALSE re-included, null no rule matched.
   *
   * @param path relative to the root, with / separators
   */
  public Boolean matches(String path, boolean directory) {
    if (!path.startsWith(base)) {
      return null;
    }
    String relative = path.substring(base.length());
    Boolean result = null;
    for (Rule rule : rules) {
      if (rule.directoryOnly() && !directory) {
        continue;
      }
      if (rule.pattern().matcher(relative).matches()) {
        result = !rule.negated();
      }
    }
    return result;
  }

  /** Trailing spaces are dropped unless escaped with a backslash ({@code "a\\ "} keeps one). */
  private static String withoutTrailingSpaces(String line) {
    int end = line.length();
    while (end > 0 && line.charAt(end - 1) == ' ' && !(end >= 2 && line.charAt(end - 2) == '\\')) {
      end--;
    }
    return line.substring(0, end);
  }

  private static String globToRegex(String glob) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '\\' && i + 1 < glob.length()) {
        regex.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
      } else if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
        boolean slashAfter = i + 2 < glob.length() && glob.charAt(i + 2) == '/';
        regex.append(slashAfter ? "(?:.*/)?" : ".*");
        i += slashAfter ? 2 : 1;
      } else if (c == '*') {
        regex.append("[^/]*");
      } else if (c == '?') {
        regex.append("[^/]");
      } else if (c == '[') {
        int close = glob.indexOf(']', i + 1);
        if (close < 0) {
          regex.append("\\[");
        } else {
          String body = glob.substring(i + 1, close).replace("\\", "\\\\");
          regex
              .append('[')
              .append(body.startsWith("!") ? "^" + body.substring(1) : body)
              .append(']');
          i = close;
        }
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return regex.toString();
  }
}
