package io.foleystream.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.SchemaEdits;
import io.foleystream.schemas.VideoChunk;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** What the cache answers alone, what it forwards, and when the latest version expires. */
class CachingSchemaRegistryTest {

  private final InMemorySchemaRegistry backing = new InMemorySchemaRegistry();
  private final SwitchableRegistry remote = new SwitchableRegistry(backing);

  @Test
  void cachedAnswersSurviveAnOutageAndNewQuestionsFail() {
    CachingSchemaRegistry cache = new CachingSchemaRegistry(remote, Optional.empty(),
        Clock.systemUTC());
    Schema video = VideoChunk.getClassSchema();
    int id = cache.register("v-value", video);
    int otherId = backing.register("a-value", AudioChunk.getClassSchema());
    assertEquals(video, cache.schemaById(id));
    RegisteredSchema latest = cache.latest("v-value");
    RegisteredSchema found = cache.lookup("v-value", video);
    int callsBeforeOutage = remote.calls.get();

    remote.down = true;

    assertEquals(id, cache.register("v-value", video));
    assertEquals(video, cache.schemaById(id));
    assertEquals(latest, cache.latest("v-value"));
    assertEquals(found, cache.lookup("v-value", video));
    assertEquals(callsBeforeOutage, remote.calls.get(), "cached answers need no registry");
    assertThrows(RegistryUnavailableException.class, () -> cache.schemaById(otherId));
    assertThrows(RegistryUnavailableException.class,
        () -> cache.register("a-value", AudioChunk.getClassSchema()));

    remote.down = false;
    assertEquals(AudioChunk.getClassSchema(), cache.schemaById(otherId));
  }

  @Test
  void registeringTeachesTheIdToTheReaderSide() {
    CachingSchemaRegistry cache = new CachingSchemaRegistry(remote, Optional.empty(),
        Clock.systemUTC());
    int id = cache.register("v-value", VideoChunk.getClassSchema());
    remote.down = true;

    assertEquals(VideoChunk.getClassSchema(), cache.schemaById(id));
  }

  @Test
  void theLatestVersionIsRefetchedAfterItsTimeToLive() {
    MutableClock clock = new MutableClock();
    CachingSchemaRegistry cache = new CachingSchemaRegistry(remote,
        Optional.of(Duration.ofSeconds(60)), clock);
    Schema v1 = VideoChunk.getClassSchema();
    Schema v2 = SchemaEdits.withField(v1, "{\"name\":\"x\",\"type\":\"int\",\"default\":0}");
    backing.register("v-value", v1);
    assertEquals(1, cache.latest("v-value").version());

    backing.register("v-value", v2);
    clock.advance(Duration.ofSeconds(59));
    assertEquals(1, cache.latest("v-value").version(), "still cached");
    clock.advance(Duration.ofSeconds(2));
    assertEquals(2, cache.latest("v-value").version(), "expired and refetched");
  }

  @Test
  void compatibilityCallsAreNeverCached() {
    CachingSchemaRegistry cache = new CachingSchemaRegistry(remote, Optional.empty(),
        Clock.systemUTC());
    cache.setCompatibility("s", CompatibilityLevel.FULL);
    assertEquals(CompatibilityLevel.FULL, cache.compatibility("s"));
    cache.setCompatibility("s", CompatibilityLevel.NONE);
    assertEquals(CompatibilityLevel.NONE, cache.compatibility("s"));
    assertEquals(Optional.of(CompatibilityLevel.NONE), cache.subjectCompatibility("s"));
    assertEquals(backing.globalCompatibility(), cache.globalCompatibility());
    backing.register("s", VideoChunk.getClassSchema());
    int before = remote.calls.get();
    assertEquals(backing.testCompatibility("s", AudioChunk.getClassSchema()),
        cache.testCompatibility("s", AudioChunk.getClassSchema()));
    assertEquals(before + 1, remote.calls.get(), "asked the registry");
  }

  /** Forwards to a registry, counting calls, or fails as an unreachable registry would. */
  private static final class SwitchableRegistry implements SchemaRegistry {
    private final SchemaRegistry delegate;
    private final AtomicInteger calls = new AtomicInteger();
    private volatile boolean down;

    SwitchableRegistry(SchemaRegistry delegate) {
      this.delegate = delegate;
    }

    private SchemaRegistry target() {
      calls.incrementAndGet();
      if (down) {
        throw new RegistryUnavailableException("registry down", null);
      }
      return delegate;
    }

    @Override
    public int register(String subject, Schema schema) {
      return target().register(subject, schema);
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
      return target().lookup(subject, schema);
    }

    @Override
    public Schema schemaById(int id) {
      return target().schemaById(id);
    }

    @Override
    public RegisteredSchema latest(String subject) {
      return target().latest(subject);
    }

    @Override
    public CompatibilityResult testCompatibility(String subject, Schema schema) {
      return target().testCompatibility(subject, schema);
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
      target().setCompatibility(subject, level);
    }

    @Override
    public CompatibilityLevel compatibility(String subject) {
      return target().compatibility(subject);
    }

    @Override
    public java.util.Optional<CompatibilityLevel> subjectCompatibility(String subject) {
      return target().subjectCompatibility(subject);
    }

    @Override
    public CompatibilityLevel globalCompatibility() {
      return target().globalCompatibility();
    }
  }

  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
