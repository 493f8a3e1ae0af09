package io.signalhub.indexing.core.pipeline;

import io.signalhub.indexing.core.job.JobStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;

/** A job store that crashes the first time a batch is counted, like a Lambda that times out. */
public final class CrashingJobStore {

  private CrashingJobStore() {}

  /**
   * {@code real}, but its first {@code recordBatch} throws {@code crash} before reaching it; every
   * later call (and every other method) goes through.
   *
   * @param crashed set when the crash has happened
   */
  public static JobStore onFirstRecordBatch(JobStore real, String crash, AtomicBoolean crashed) {
    return (JobStore)
        Proxy.newProxyInstance(
            JobStore.class.getClassLoader(),
            new Class<?>[] {JobStore.class},
            (proxy, method, args) -> {
              if (method.getName().equals("recordBatch") && crashed.compareAndSet(false, true)) {
                throw new IllegalStateException(crash);
              }
              try {
                return method.invoke(real, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
