package io.foleystream.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LruCacheTest {

  @Test
  void evictsTheLeastRecentlyUsedEntry() {
    LruCache<String, Integer> cache = new LruCache<>(2);
    AtomicInteger computed = new AtomicInteger();
    cache.get("a", k -> computed.incrementAndGet());
    cache.get("b", k -> computed.incrementAndGet());
    cache.get("a", k -> computed.incrementAndGet());
    cache.get("c", k -> computed.incrementAndGet());
    assertTrue(cache.contains("a"));
    assertFalse(cache.contains("b"), "b was least recently used");
    assertTrue(cache.contains("c"));
    assertEquals(2, cache.size());
    assertEquals(3, computed.get());
    assertEquals(1, cache.hits());
    assertEquals(3, cache.misses());
  }

  @Test
  void hitsReturnTheCachedValueWithoutComputing() {
    LruCache<String, int[]> cache = new LruCache<>(4);
    int[] first = cache.get("k", k -> new int[] {1});
    int[] second = cache.get("k", k -> {
      throw new AssertionError("must not recompute");
    });
    assertTrue(first == second);
  }

  @Test
  void rejectsNonPositiveCapacity() {
    assertThrows(IllegalArgumentException.class, () -> new LruCache<String, String>(0));
  }
}
