package io.signalhub.indexing.core.page;

import java.util.Locale;

/**
 * Chooses between the status API's JSON and its page from a request's {@code Accept} header. JSON
 * stays the default: only a client that ranks {@code text/html} above {@code application/json}
 * (every browser does; {@code curl} and the SDKs do not) gets the page
 * (www.rfc-editor.org/rfc/rfc9110#name-accept).
 */
public final class ContentNegotiation {

  private ContentNegotiation() {}

  /** True if {@code accept} prefers HTML to JSON; ties (e.g. {@code *}{@code /*}) go to JSON. */
  public static boolean prefersHtml(String accept) {
    if (accept == null || accept.isBlank()) {
      return false;
    }
    return quality(accept, "text", "html") > quality(accept, "application", "json");
  }

  /** The q-value {@code accept} gives {@code type/subtype}: the most specific range wins. */
  static double quality(String accept, String type, String subtype) {
    double best = 0;
    int bestSpecificity = -1;
    for (String range : accept.split(",")) {
      String[] parts = range.trim().split(";");
      String media = parts[0].trim().toLowerCase(Locale.ROOT);
      int slash = media.indexOf('/');
      if (slash < 0) {
        continue;
      }
      String t = media.substring(0, slash);
      String s = media.substring(slash + 1);
      int specificity;
      if (t.equals(type) && s.equals(subtype)) {
        specificity = 2;
      } else if (t.equals(type) && s.equals("*")) {
        specificity = 1;
      } else if (t.equals("*") && s.equals("*")) {
        specificity = 0;
      } else {
        continue;
      }
      double q = 1;
      for (int i = 1; i < parts.length; i++) {
        String param = parts[i].trim();
        if (param.startsWith("q=")) {
          try {
            q = Double.parseDouble(param.substring(2));
          } catch (NumberFormatException e) {
            q = 0;
          }
        }
      }
      if (specificity > bestSpecificity) {
        bestSpecificity = specificity;
        best = q;
      }
    }
    return best;
  }
}
