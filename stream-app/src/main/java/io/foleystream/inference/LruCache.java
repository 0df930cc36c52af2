package io.foleystream.inference;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A bounded, thread-safe least-recently-used cache. Values are computed outside the lock, so a
 * slow computation (a text-encoder run) never blocks readers of other keys; two threads missing
 * the same key at once may both compute it, and the second result is kept.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class LruCache<K, V> {

  private final int capacity;
  private final LinkedHashMap<K, V> entries;
  private long hits;
  private long misses;

  /**
   * @param capacity the most entries kept; the least recently used goes first
   */
  LruCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("cache capacity must be positive: " + capacity);
    }
    this.capacity = capacity;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > LruCache.this.capacity;
      }
    };
  }

  /**
   * The cached value of a key, computing and caching it on a miss.
   *
   * @param key the key
   * @param compute computes the value of a missing key; must not return null
   * @return the value
   */
  V get(K key, Function<? super K, ? extends V> compute) {
    synchronized (entries) {
      V cached = entries.get(key);
      if (cached != null) {
        hits++;
        return cached;
      }
      misses++;
    }
    V value = compute.apply(key);
    synchronized (entries) {
      entries.put(key, value);
    }
    return value;
  }

  /**
   * Whether a key is cached, without touching its recency.
   *
   * @param key the key
   * @return true if present
   */
  boolean contains(K key) {
    synchronized (entries) {
      return entries.containsKey(key);
    }
  }

  /**
   * The number of cached entries.
   *
   * @return at most the capacity
   */
  int size() {
    synchronized (entries) {
      return entries.size();
    }
  }

  /**
   * Lookups answered from the cache so far.
   *
   * @return hit count
   */
  long hits() {
    synchronized (entries) {
      return hits;
    }
  }

  /**
   * Lookups that had to compute so far.
   *
   * @return miss count
   */
  long misses() {
    synchronized (entries) {
      return misses;
    }
  }
}
