package io.signalhub.indexing.core.source;

import io.signalhub.indexing.core.secret.SecretFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Walks a directory the way a developer thinks of "the sources": honouring every .gitignore and
 * .signalhubignore (same syntax; it wins over .gitignore), skipping vendored and generated trees,
 * lock files, minified bundles, oversized files and secret-bearing files ({@link SecretFiles}).
 * Each skip is reported with its reason.
 */
public final class SourceWalker {

  /** Directory names that hold dependencies or build output, not a team's own sources. */
  public static final Set<String> VENDORED_OR_GENERATED_DIRECTORIES =
      Set.of(
          ".git",
          ".hg",
          ".svn",
          "node_modules",
          "vendor",
          "target",
          "build",
          "dist",
          "out",
          ".gradle",
          ".idea",
          ".vscode",
          ".venv",
          "venv",
          "__pycache__",
          ".mypy_cache",
          ".pytest_cache",
          ".tox",
          "cdk.out",
          ".terraform",
          ".next",
          ".nuxt",
          "coverage",
          ".signal-hub");

  private static final Set<String> GENERATED_FILES =
      Set.of(
          "package-lock.json",
          "yarn.lock",
          "pnpm-lock.yaml",
          "Cargo.lock",
          "poetry.lock",
          "go.sum");

  /** Per-directory rules of what not to index, in gitignore syntax, winning over .gitignore. */
  public static final String IGNORE_FILE = ".signalhubignore";

  private final long maxFileBytes;

  public SourceWalker(long maxFileBytes) {
    this.maxFileBytes = maxFileBytes;
  }

  /** Calls {@code onFile} for each file to index and {@code onSkip} for each one skipped. */
  public void walk(Path root, Consumer<SourceFile> onFile, BiConsumer<String, SkipReason> onSkip)
      throws IOException {
    Deque<GitIgnore> ignores = new ArrayDeque<>();
    Deque<GitIgnore> ownIgnores = new ArrayDeque<>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            String path = relative(root, dir);
            if (!path.isEmpty()) {
              if (VENDORED_OR_GENERATED_DIRECTORIES.contains(dir.getFileName().toString())) {
                onSkip.accept(path + "/", SkipReason.VENDORED_OR_GENERATED);
                return FileVisitResult.SKIP_SUBTREE;
              }
              SkipReason ignoredBy = ignoredBy(ownIgnores, ignores, path, true);
              if (ignoredBy != null) {
                onSkip.accept(path + "/", ignoredBy);
                return FileVisitResult.SKIP_SUBTREE;
              }
            }
            ignores.push(rules(dir, path, ".gitignore"));
            ownIgnores.push(rules(dir, path, IGNORE_FILE));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) {
            ignores.pop();
            ownIgnores.pop();
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (!attrs.isRegularFile()) {
              return FileVisitResult.CONTINUE;
            }
            String path = relative(root, file);
            String name = file.getFileName().toString();
            SkipReason ignoredBy = ignoredBy(ownIgnores, ignores, path, false);
            if (ignoredBy != null) {
              onSkip.accept(path, ignoredBy);
            } else if (SecretFiles.matches(path)) {
              onSkip.accept(path, SkipReason.SECRET_FILE);
            } else if (GENERATED_FILES.contains(name)
                || name.endsWith(".min.js")
                || name.endsWith(".map")) {
              onSkip.accept(path, SkipReason.VENDORED_OR_GENERATED);
            } else if (attrs.size() > maxFileBytes) {
              onSkip.accept(path, SkipReason.TOO_LARGE);
            } else {
              onFile.accept(new SourceFile(path, file, attrs.size()));
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            onSkip.accept(relative(root, file), SkipReason.UNREADABLE);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static GitIgnore rules(Path dir, String path, String fileName) throws IOException {
    Path file = dir.resolve(fileName);
    return Files.isRegularFile(file)
        ? GitIgnore.parse(
            path.isEmpty() ? "" : path + "/", Files.readString(file, StandardCharsets.UTF_8))
        : GitIgnore.parse("", "");
  }

  /**
   * Which file's rules ignore the path, or null: a .signalhubignore rule (ignore or {@code !}
   * re-include) decides before any .gitignore.
   */
  private static SkipReason ignoredBy(
      Deque<GitIgnore> own, Deque<GitIgnore> git, String path, boolean directory) {
    Boolean ownMatch = match(own, path, directory);
    if (ownMatch != null) {
      return ownMatch ? SkipReason.SIGNALHUBIGNORED : null;
    }
    return Boolean.TRUE.equals(match(git, path, directory)) ? SkipReason.GITIGNORED : null;
  }

  private static Boolean match(Deque<GitIgnore> ignores, String path, boolean directory) {
    // Deeper files take precedence; the deque iterates from the deepest.
    for (GitIgnore ignore : ignores) {
      Boolean match = ignore.matches(path, directory);
      if (match != null) {
        return match;
      }
    }
    return null;
  }

  private static String relative(Path root, Path path) {
    return root.relativize(path).toString().replace('\\', '/');
  }
}
