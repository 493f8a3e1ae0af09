package io.signalhub.indexing.core.chunk;

import java.util.Locale;
import java.util.Map;

/** Guesses a file's language from its name, for chunk metadata and search filters. */
public final class Languages {

  private static final Map<String, String> BY_EXTENSION =
      Map.ofEntries(
          Map.entry("java", "java"),
          Map.entry("kt", "kotlin"),
          Map.entry("kts", "kotlin"),
          Map.entry("scala", "scala"),
          Map.entry("groovy", "groovy"),
          Map.entry("py", "python"),
          Map.entry("js", "javascript"),
          Map.entry("mjs", "javascript"),
          Map.entry("cjs", "javascript"),
          Map.entry("jsx", "javascript"),
          Map.entry("ts", "typescript"),
          Map.entry("tsx", "typescript"),
          Map.entry("go", "go"),
          Map.entry("rs", "rust"),
          Map.entry("c", "c"),
          Map.entry("h", "c"),
          Map.entry("cc", "cpp"),
          Map.entry("cpp", "cpp"),
          Map.entry("hpp", "cpp"),
          Map.entry("cs", "csharp"),
          Map.entry("rb", "ruby"),
          Map.entry("php", "php"),
          Map.entry("swift", "swift"),
          Map.entry("sh", "shell"),
          Map.entry("bash", "shell"),
          Map.entry("sql", "sql"),
          Map.entry("md", "markdown"),
          Map.entry("json", "json"),
          Map.entry("yaml", "yaml"),
          Map.entry("yml", "yaml"),
          Map.entry("toml", "toml"),
          Map.entry("xml", "xml"),
          Map.entry("html", "html"),
          Map.entry("css", "css"),
          Map.entry("properties", "properties"));

  private Languages() {}

  public static String of(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    if (name.equals("Dockerfile")) {
      return "dockerfile";
    }
    if (name.equals("Makefile")) {
      return "make";
    }
    int dot = name.lastIndexOf('.');
    if (dot < 0) {
      return "text";
    }
    return BY_EXTENSION.getOrDefault(name.substring(dot + 1).toLowerCase(Locale.ROOT), "text");
  }
}
