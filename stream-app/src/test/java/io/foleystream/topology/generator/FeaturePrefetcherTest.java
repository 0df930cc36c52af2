package io.foleystream.topology.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.media.MediaException;
import io.foleystream.schemas.GapPolicy;
import io.foleystream.schemas.GenerationSettings;
import io.foleystream.schemas.WindowCompletion;
import io.foleystream.schemas.WindowTask;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Media work ahead of generation: on its own thread, once per window, bounded, failures kept. */
class FeaturePrefetcherTest {

  private static WindowTask task(String stream, long index) {
    return WindowTask.newBuilder().setStreamId(stream).setWindowIndex(index)
        .setWindowStartMicros(index * 8_000_000L).setWindowDurationMicros(8_000_000L)
        .setHopMicros(8_000_000L).setGeneration(new GenerationSettings("", "", 42L, 2, 4.5,
            null, false)).setChunks(List.of()).setCoveredMicros(8_000_000L)
        .setCompletion(WindowCompletion.COMPLETE).setGapPolicy(GapPolicy.NONE).build();
  }

  /** Records which window was featurized on which thread; may hold or fail windows. */
  private static final class Recording implements FeaturePrefetcher.Media {
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    final List<String> threads = Collections.synchronizedList(new ArrayList<>());
    final List<String> forgotten = Collections.synchronizedList(new ArrayList<>());
    volatile CountDownLatch gate = new CountDownLatch(0);
    volatile MediaException failure;

    @Override
    public WindowFeaturizer.Result featurize(WindowTask task) throws MediaException {
      try {
        gate.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      calls.add(task.getStreamId() + "#" + task.getWindowIndex());
      threads.add(Thread.currentThread().getName());
      if (failure != null) {
        throw failure;
      }
      return new WindowFeaturizer.Result(null, List.of(), task.getWindowIndex(), 0);
    }

    @Override
    public void forget(String streamId) {
      forgotten.add(streamId);
    }
  }

  @Test
  void windowsAskedForAheadAreFeaturizedOnceOnTheirOwnThread() throws Exception {
    Recording media = new Recording();
    try (FeaturePrefetcher prefetcher = new FeaturePrefetcher(media, 4)) {
      WindowTask a = task("a", 0);
      WindowTask b = task("b", 1);
      prefetcher.ahead(List.of(a, b));
      prefetcher.ahead(List.of(a, b));
      assertEquals(0, prefetcher.featurize(a).decodeNanos());
      assertEquals(1, prefetcher.featurize(b).decodeNanos());
      assertEquals(List.of("a#0", "b#1"), media.calls, "each window once, in order");
      assertTrue(media.threads.stream().allMatch(t -> t.equals("foleystream-media-prefetch")));
      assertEquals(0, prefetcher.held(), "a result taken is not held any more");
      prefetcher.featurize(a);
      assertEquals(3, media.calls.size(), "a window asked for again is featurized again");
    }
  }

  @Test
  void aWindowIsKnownByIdentityNotByEquality() throws Exception {
    Recording media = new Recording();
    try (FeaturePrefetcher prefetcher = new FeaturePrefetcher(media, 4)) {
      WindowTask read = task("a", 0);
      WindowTask readAgain = task("a", 0);
      assertEquals(read, readAgain);
      prefetcher.ahead(List.of(read));
      prefetcher.featurize(readAgain);
      assertEquals(2, media.calls.size(), "a window read again after a rewind starts afresh");
    }
  }

  @Test
  void atMostTheCapacityIsHeldAndTheOldestFinishedResultMakesRoom() throws Exception {
    Recording media = new Recording();
    media.gate = new CountDownLatch(1);
    try (FeaturePrefetcher prefetcher = new FeaturePrefetcher(media, 2)) {
      prefetcher.ahead(List.of(task("a", 0), task("a", 1), task("a", 2)));
      assertEquals(2, prefetcher.held(), "nothing finished: the third is not run ahead");
      media.gate.countDown();
      DriverFixtures.await(() -> media.calls.size() == 2, "both held windows featurized");
      WindowTask next = task("a", 3);
      prefetcher.ahead(List.of(next));
      assertEquals(2, prefetcher.held(), "the oldest finished result made room");
      prefetcher.featurize(next);
      assertEquals(List.of("a#0", "a#1", "a#3"), media.calls);
    }
  }

  @Test
  void aFailureGoesToTheWindowsTakerAndARetryFeaturizesAgain() throws Exception {
    Recording media = new Recording();
    media.failure = new MediaException(MediaException.Reason.IO, "disk gone");
    try (FeaturePrefetcher prefetcher = new FeaturePrefetcher(media, 2)) {
      WindowTask a = task("a", 0);
      prefetcher.ahead(List.of(a));
      MediaException thrown = assertThrows(MediaException.class, () -> prefetcher.featurize(a));
      assertSame(media.failure, thrown);
      media.failure = null;
      assertEquals(0, prefetcher.featurize(a).decodeNanos());
      assertEquals(2, media.calls.size());
    }
  }

  @Test
  void aDiscardedWindowFreesItsPlace() throws Exception {
    Recording media = new Recording();
    media.gate = new CountDownLatch(1);
    try (FeaturePrefetcher prefetcher = new FeaturePrefetcher(media, 1)) {
      WindowTask skipped = task("a", 0);
      prefetcher.ahead(List.of(skipped));
      prefetcher.discard(skipped);
      assertEquals(0, prefetcher.held());
      WindowTask next = task("a", 1);
      prefetcher.ahead(List.of(next));
      assertEquals(1, prefetcher.held());
      media.gate.countDown();
      prefetcher.featurize(next);
      assertTrue(media.calls.contains("a#1"));
    }
  }

  @Test
  void withoutCapacityWindowsAreFeaturizedOnTheCallersThread() throws Exception {
    Recording media = new Recording();
    try (FeaturePrefetcher prefetcher = new FeaturePrefetcher(media, 0)) {
      prefetcher.ahead(List.of(task("a", 0)));
      assertEquals(0, prefetcher.held(), "nothing runs ahead");
      prefetcher.featurize(task("a", 0));
      prefetcher.forget("a");
      assertEquals(List.of(Thread.currentThread().getName()), media.threads);
      assertEquals(List.of("a"), media.forgotten);
    }
  }

  @Test
  void aStreamIsForgottenAfterTheWorkAskedForBeforeIt() throws Exception {
    Recording media = new Recording();
    try (FeaturePrefetcher prefetcher = new FeaturePrefetcher(media, 2)) {
      prefetcher.ahead(List.of(task("a", 7)));
      prefetcher.forget("a");
      prefetcher.featurize(task("b", 0));
      assertEquals(List.of("a"), media.forgotten);
      assertNotEquals(Thread.currentThread().getName(), media.threads.get(0));
    }
  }
}
