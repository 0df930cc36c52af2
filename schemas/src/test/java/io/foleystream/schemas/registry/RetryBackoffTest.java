package io.foleystream.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The registry client's waits between retries: doubling from the first, capped. */
class RetryBackoffTest {

  @Test
  void eachRetryWaitsTwiceAsLongAsTheOneBeforeUpToTheCap() {
    RetryBackoff backoff = new RetryBackoff(5, Duration.ofMillis(100), Duration.ofMillis(350));
    assertEquals(Duration.ofMillis(100), backoff.waitBefore(1));
    assertEquals(Duration.ofMillis(200), backoff.waitBefore(2));
    assertEquals(Duration.ofMillis(350), backoff.waitBefore(3), "400 ms, capped");
    assertEquals(Duration.ofMillis(350), backoff.waitBefore(60), "no overflow however many");
    assertEquals(Duration.ofMillis(50), new RetryBackoff(1, Duration.ofMillis(100),
        Duration.ofMillis(50)).waitBefore(1), "a first wait above the cap is capped");
  }

  @Test
  void noRetriesAndNoWaitAreAllowedNegativeOnesAreNot() {
    assertDoesNotThrow(() -> new RetryBackoff(0, Duration.ZERO, Duration.ZERO));
    assertEquals(Duration.ZERO, new RetryBackoff(0, Duration.ZERO, Duration.ZERO).waitBefore(3));
    assertThrows(IllegalArgumentException.class,
        () -> new RetryBackoff(-1, Duration.ZERO, Duration.ZERO));
    assertThrows(IllegalArgumentException.class,
        () -> new RetryBackoff(0, Duration.ofMillis(-1), Duration.ZERO));
    assertThrows(IllegalArgumentException.class,
        () -> new RetryBackoff(0, Duration.ZERO, Duration.ofMillis(-1)));
  }
}
