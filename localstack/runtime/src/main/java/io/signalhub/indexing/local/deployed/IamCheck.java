package io.signalhub.indexing.local.deployed;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Evaluates recorded calls against each function's role policies in the template, as IAM does for
 * identity policies: an explicit {@code Deny} wins, else some {@code Allow} must match the action
 * (case-insensitive, {@code *} and {@code ?} wildcards) and the resource ARN ({@code /*} suffixes
 * and other wildcards, references resolved to the local ARNs). Resource policies (the bucket's and
 * queues' TLS-only denials) and conditions are not evaluated; a statement with a condition is
 * reported and treated as not matching.
 */
public final class IamCheck {

  /** One statement of a role's policies, resolved. */
  public record Statement(
      String policy,
      boolean allow,
      List<String> actions,
      List<String> resources,
      boolean conditional) {}

  /** A call the role would deny, and why. */
  public record Denial(AwsCall call, String role, String reason) {
    @Override
    public String toString() {
      return call.function() + " (role " + role + ") called " + call + ": " + reason;
    }
  }

  /** A granted action and resource that no recorded call used. */
  public record UnusedGrant(String function, String policy, String action, String resource) {
    @Override
    public String toString() {
      return function + ": " + action + " on " + resource + " (" + policy + ")";
    }
  }

  /** The verdict on one run. */
  public record Report(List<Denial> denials, List<UnusedGrant> unused, List<String> notes) {

    public boolean passed() {
      return denials.isEmpty();
    }

    /** A readable report: the denials, then the grants never used. */
    public String render() {
      StringBuilder out = new StringBuilder();
      out.append(
          denials.isEmpty()
              ? "IAM: every recorded call is allowed by its function's role\n"
              : "IAM: " + denials.size() + " call(s) the roles would deny:\n");
      denials.forEach(d -> out.append("  DENIED  ").append(d).append('\n'));
      out.append("Grants never used in this run (").append(unused.size()).append("):\n");
      unused.forEach(u -> out.append("  unused  ").append(u).append('\n'));
      notes.forEach(n -> out.append("  note    ").append(n).append('\n'));
      return out.toString();
    }
  }

  private final Map<String, String> roleByFunction = new LinkedHashMap<>();
  private final Map<String, List<Statement>> statementsByRole = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();

  /** The policies of every function's role in {@code template}. */
  public IamCheck(CfnTemplate template, List<FunctionSpec> functions) {
    functions.forEach(f -> roleByFunction.put(f.logicalId(), f.roleLogicalId()));
    for (String id : template.ofType("AWS::IAM::Policy")) {
      for (JsonNode role : template.resource(id).path("Properties").path("Roles")) {
        statements(role.path("Ref").asText(), id, template.property(id, "PolicyDocument"));
      }
    }
    for (String role : template.ofType("AWS::IAM::Role")) {
      for (JsonNode inline : template.property(role, "Policies")) {
        statements(
            role, role + "/" + inline.path("PolicyName").asText(), inline.path("PolicyDocument"));
      }
      for (JsonNode managed : template.property(role, "ManagedPolicyArns")) {
        if (roleByFunction.containsValue(role)) {
          notes.add(role + " has managed policy " + managed.asText() + ", which is not evaluated");
        }
      }
    }
  }

  private void statements(String role, String policy, JsonNode document) {
    List<Statement> list = statementsByRole.computeIfAbsent(role, r -> new ArrayList<>());
    for (JsonNode statement : asList(document.path("Statement"))) {
      if (statement.has("NotAction") || statement.has("NotResource")) {
        notes.add(policy + " uses NotAction/NotResource, which is not evaluated");
        continue;
      }
      list.add(
          new Statement(
              policy,
              statement.path("Effect").asText().equals("Allow"),
              texts(statement.path("Action")),
              texts(statement.path("Resource")),
              statement.has("Condition")));
    }
  }

  private static List<JsonNode> asList(JsonNode node) {
    List<JsonNode> list = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(list::add);
    } else if (!node.isMissingNode()) {
      list.add(node);
    }
    return list;
  }

  private static List<String> texts(JsonNode node) {
    return asList(node).stream().map(JsonNode::asText).toList();
  }

  /** IAM's wildcard match: {@code *} any run of characters, {@code ?} one character. */
  static boolean matches(String pattern, String value, boolean ignoreCase) {
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
    }
    return Pattern.compile(regex.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE : 0)
        .matcher(value)
        .matches();
  }

  private static boolean covers(Statement s, String action, String resource) {
    return !s.conditional()
        && s.actions().stream().anyMatch(a -> matches(a, action, true))
        && s.resources().stream().anyMatch(r -> matches(r, resource, false));
  }

  /** Evaluates {@code calls}; grants of {@code logs:*} are Lambda's own (log delivery). */
  public Report evaluate(List<AwsCall> calls) {
    List<Denial> denials = new ArrayList<>();
    Set<String> used = new LinkedHashSet<>();
    for (AwsCall call : calls) {
      String role = roleByFunction.get(call.function());
      List<Statement> statements = statementsByRole.getOrDefault(role, List.of());
      boolean denied =
          statements.stream()
              .anyMatch(s -> !s.allow() && covers(s, call.action(), call.resource()));
      List<Statement> allowing =
          statements.stream()
              .filter(s -> s.allow() && covers(s, call.action(), call.resource()))
              .toList();
      if (denied) {
        denials.add(new Denial(call, role, "an explicit Deny in the role's policies matches it"));
      } else if (allowing.isEmpty()) {
        denials.add(new Denial(call, role, missing(statements, call)));
      }
      for (Statement s : allowing) {
        for (String a : s.actions()) {
          for (String r : s.resources()) {
            if (matches(a, call.action(), true) && matches(r, call.resource(), false)) {
              used.add(call.function() + "|" + a.toLowerCase(Locale.ROOT) + "|" + r);
            }
          }
        }
      }
    }
    List<UnusedGrant> unused = new ArrayList<>();
    roleByFunction.forEach(
        (function, role) -> {
          for (Statement s : statementsByRole.getOrDefault(role, List.of())) {
            for (String a : s.actions()) {
              for (String r : s.resources()) {
                if (s.allow()
                    && !a.startsWith("logs:")
                    && !used.contains(function + "|" + a.toLowerCase(Locale.ROOT) + "|" + r)) {
                  unused.add(new UnusedGrant(function, s.policy(), a, r));
                }
              }
            }
          }
        });
    List<String> allNotes = new ArrayList<>(notes);
    allNotes.add(
        "logs:* grants are used by Lambda's log delivery, not by function code; not listed");
    return new Report(denials, unused, allNotes);
  }

  /** What is missing: the action is granted on other resources, or not at all. */
  private static String missing(List<Statement> statements, AwsCall call) {
    List<String> elsewhere =
        statements.stream()
            .filter(
                s ->
                    s.allow()
                        && s.actions().stream().anyMatch(a -> matches(a, call.action(), true)))
            .flatMap(s -> s.resources().stream())
            .distinct()
            .toList();
    return elsewhere.isEmpty()
        ? "no statement grants " + call.action() + " at all (add it on " + call.resource() + ")"
        : "the role grants "
            + call.action()
            + " only on "
            + elsewhere.stream().collect(Collectors.joining(", "))
            + ", not on "
            + call.resource();
  }
}
