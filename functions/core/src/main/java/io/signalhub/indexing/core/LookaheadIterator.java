package io.signalhub.indexing.core;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * An iterator whose {@code hasNext} must compute the next value to know whether there is one (a
 * chunk that may be settled without embedding, a manifest entry still to parse): subclasses say
 * what comes next, and this holds it until {@code next} hands it out.
 */
public abstract class LookaheadIterator<T> implements Iterator<T> {

  private T ahead;

  /** The next value, or null at the end (asked again by a later {@code hasNext}). */
  protected abstract T computeNext();

  @Override
  public final boolean hasNext() {
    if (ahead == null) {
      ahead = computeNext();
    }
    return ahead != null;
  }

  @Override
  public final T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    T value = ahead;
    ahead = null;
    return value;
  }
}
