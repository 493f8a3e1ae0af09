package io.signalhub.indexing.core;

import io.signalhub.indexing.core.batch.ProviderLimits;
import io.signalhub.indexing.core.provider.EmbeddingException;
import io.signalhub.indexing.core.provider.EmbeddingProvider;
import io.signalhub.indexing.core.provider.EmbeddingResponse;
import io.signalhub.indexing.core.token.Cl100kTokenCounter;
import io.signalhub.indexing.core.token.TokenCounter;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/** A provider for unit tests: deterministic vectors, scripted failures, rejected inputs. */
public final class FakeEmbeddingProvider implements EmbeddingProvider {

  public static final String MODEL = "fake-model";
  private final ProviderLimits limits = new ProviderLimits("fake", 8, 64, 10_000, 256, 1 << 20);
  private final Queue<RuntimeException> failures = new ArrayDeque<>();
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicInteger inputs = new AtomicInteger();
  private volatile Predicate<String> rejected = text -> false;
  private final List<String> sent = new java.util.concurrent.CopyOnWriteArrayList<>();

  public static float[] vectorFor(String text) {
    return new float[] {text.hashCode(), text.length(), 1f};
  }

  public FakeEmbeddingProvider rejecting(Predicate<String> predicate) {
    rejected = predicate;
    return this;
  }

  public synchronized FakeEmbeddingProvider failNext(RuntimeException failure) {
    failures.add(failure);
    return this;
  }

  public int calls() {
    return calls.get();
  }

  public int inputs() {
    return inputs.get();
  }

  /** Every text embedded, once per time it was embedded. */
  public List<String> sentTexts() {
    return sent;
  }

  @Override
  public String model() {
    return MODEL;
  }

  @Override
  public int dimensions() {
    return 3;
  }

  @Override
  public ProviderLimits limits() {
    return limits;
  }

  @Override
  public TokenCounter tokenCounter() {
    return Cl100kTokenCounter.instance();
  }

  @Override
  public EmbeddingResponse embed(List<String> texts) {
    calls.incrementAndGet();
    RuntimeException failure;
    synchronized (this) {
      failure = failures.poll();
    }
    if (failure != null) {
      throw failure;
    }
    if (texts.stream().anyMatch(rejected)) {
      throw EmbeddingException.inputRejected(400, "input rejected by the fake provider");
    }
    inputs.addAndGet(texts.size());
    sent.addAll(texts);
    return new EmbeddingResponse(
        texts.stream().map(FakeEmbeddingProvider::vectorFor).toList(),
        texts.stream().mapToLong(t -> tokenCounter().count(t)).sum(),
        null);
  }
}
