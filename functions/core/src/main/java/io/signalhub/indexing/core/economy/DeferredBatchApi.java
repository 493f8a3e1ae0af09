package io.signalhub.indexing.core.economy;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A batch API built at its first use, then kept: the deployed fan-out's, whose key is read from
 * Secrets Manager only when an economy job first submits (on-demand jobs never read it, and a
 * SnapStart snapshot taken after init never holds it).
 */
public final class DeferredBatchApi implements ProviderBatchApi {

  private final Supplier<ProviderBatchApi> build;
  private volatile ProviderBatchApi built;

  public DeferredBatchApi(Supplier<ProviderBatchApi> build) {
    this.build = Objects.requireNonNull(build, "build must be set");
  }

  private ProviderBatchApi api() {
    ProviderBatchApi api = built;
    if (api == null) {
      synchronized (this) {
        if (built == null) {
          built = Objects.requireNonNull(build.get(), "the deferred batch API was null");
        }
        api = built;
      }
    }
    return api;
  }

  @Override
  public FileLimits limits() {
    return api().limits();
  }

  @Override
  public byte[] line(Request request) {
    return api().line(request);
  }

  @Override
  public ProviderBatch submit(String name, byte[] jsonl, Map<String, String> metadata) {
    return api().submit(name, jsonl, metadata);
  }

  @Override
  public ProviderBatch get(String batchId) {
    return api().get(batchId);
  }

  @Override
  public void cancel(String batchId) {
    api().cancel(batchId);
  }

  @Override
  public List<Result> results(ProviderBatch batch) {
    return api().results(batch);
  }
}
