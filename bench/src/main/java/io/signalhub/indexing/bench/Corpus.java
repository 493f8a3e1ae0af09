package io.signalhub.indexing.bench;

import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.core.chunk.ChunkingOptions;
import io.signalhub.indexing.core.chunk.CodeChunker;
import io.signalhub.indexing.core.source.DirectoryChunks;
import io.signalhub.indexing.core.source.SourceWalker;
import io.signalhub.indexing.core.token.Cl100kTokenCounter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The benchmark corpus: this repository's own sources, chunked for OpenAI's tokenizer, plus
 * generated code-like files fixed by a seed, so every run measures the same text.
 */
final class Corpus {

  static final long SEED = 20261123L;
  private static final String[] WORDS = {
    "order", "customer", "price", "total", "cart", "user", "session", "token", "index", "query",
        "result", "cache",
    "batch", "retry", "limit", "window", "vector", "score", "request", "response", "payload",
        "status", "job", "chunk"
  };

  final Map<String, String> files;
  final List<Chunk> chunks;

  private Corpus(Map<String, String> files, List<Chunk> chunks) {
    this.files = files;
    this.chunks = chunks;
  }

  /** This repository's sources plus {@code generatedFiles} files of about 10 chunks each. */
  static Corpus build(Path repository, int generatedFiles) throws Exception {
    CodeChunker chunker =
        new CodeChunker(Cl100kTokenCounter.instance(), new ChunkingOptions(512, 1 << 20, 0));
    List<Chunk> chunks = new ArrayList<>();
    Map<String, String> files = new LinkedHashMap<>();
    DirectoryChunks own = DirectoryChunks.scan(repository, new SourceWalker(1 << 20), chunker);
    own.forEach(chunks::add);
    for (var file : own.files()) {
      String text =
          io.signalhub.indexing.core.source.SourceText.decode(
                  java.nio.file.Files.readAllBytes(file.absolute()))
              .text();
      if (text != null) {
        files.put("repo/" + file.path(), text);
      }
    }
    Random random = new Random(SEED);
    for (int f = 0; f < generatedFiles; f++) {
      String path = "generated/module_" + f + ".py";
      String text = generatedFile(random, f);
      files.put(path, text);
      chunks.addAll(chunker.chunk(path, text).chunks());
    }
    return new Corpus(files, chunks);
  }

  static String generatedFile(Random random, int file) {
    StringBuilder text = new StringBuilder();
    int functions = 8 + random.nextInt(5);
    for (int i = 0; i < functions; i++) {
      String a = WORDS[random.nextInt(WORDS.length)];
      String b = WORDS[random.nextInt(WORDS.length)];
      text.append("def ")
          .append(a)
          .append('_')
          .append(b)
          .append('_')
          .append(file)
          .append('_')
          .append(i)
          .append("(")
          .append(a)
          .append(", ")
          .append(b)
          .append("):\n");
      text.append("    \"\"\"Compute the ")
          .append(a)
          .append(" of each ")
          .append(b)
          .append(" for the ")
          .append(WORDS[random.nextInt(WORDS.length)])
          .append(".\"\"\"\n");
      int lines = 2 + random.nextInt(14);
      for (int l = 0; l < lines; l++) {
        String w = WORDS[random.nextInt(WORDS.length)];
        text.append("    ")
            .append(w)
            .append(" = ")
            .append(a)
            .append(".get('")
            .append(w)
            .append("', ")
            .append(random.nextInt(1000))
            .append(") * ")
            .append(b)
            .append('\n');
      }
      text.append("    return ").append(a).append(" + ").append(b).append("\n\n");
    }
    return text.toString();
  }

  long tokens() {
    return chunks.stream().mapToLong(Chunk::tokens).sum();
  }
}
