package io.foleystream.topology.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Credentials never survive {@link Redaction}, and what is not a credential does. */
class RedactionTest {

  private static final String SECRET = "hunter2-S3cr3t";

  @Test
  void userInfoOfUrlsIsRemoved() {
    for (String url : List.of("http://ops:" + SECRET + "@registry:8080/apis/ccompat/v7",
        "https://" + SECRET + "@example.com/x", "sasl_ssl://user:" + SECRET + "@broker:9093",
        "cannot reach http://a:" + SECRET + "@[bad-host/ (malformed)")) {
      String shown = Redaction.redact(url);
      assertFalse(shown.contains(SECRET), shown);
      assertTrue(shown.contains(Redaction.MASK), shown);
    }
    assertEquals("http://" + Redaction.MASK + "@registry:8080/x",
        Redaction.redact("http://ops:" + SECRET + "@registry:8080/x"));
  }

  @Test
  void jaasConfigsAndBasicAuthSettingsAreRemoved() {
    String jaas = "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule"
        + " required username=\"svc\" password=\"" + SECRET + "\";";
    String shown = Redaction.redact(jaas);
    assertFalse(shown.contains(SECRET), shown);
    String inline = Redaction.redact("PlainLoginModule required username='svc' password='"
        + SECRET + "';");
    assertFalse(inline.contains(SECRET), inline);
    for (String setting : List.of("basic.auth.user.info=svc:" + SECRET,
        "ssl.key.password: " + SECRET, "{basic.auth.user.info=svc:" + SECRET + ", a=b}",
        "schema.registry.basic.auth.user.info = svc:" + SECRET)) {
      String s = Redaction.redact(setting);
      assertFalse(s.contains(SECRET), s);
    }
  }

  @Test
  void textWithoutCredentialsIsLeftAlone() {
    String plain = "chunk 3 of stream cam: HTTP 503 from https://cdn.example.com/x.ts";
    assertEquals(plain, Redaction.redact(plain));
    assertNull(Redaction.redact(null));
    String counts = "clip_text: tokens: 77, tokens=77";
    assertEquals(counts, Redaction.redact(counts));
    for (String setting : List.of("access_token=" + SECRET, "auth.token: " + SECRET)) {
      String s = Redaction.redact(setting);
      assertFalse(s.contains(SECRET), s);
    }
    assertEquals("token=" + Redaction.MASK, Redaction.redact("token=abc"),
        "the setting's name stays, its value goes");
    for (String secret : java.util.List.of("ssl.key.password", "client.secret",
        "sasl.jaas.config", "basic.auth.user.info", "aws.credentials", "oauth.token", "ssl.key",
        "service.apikey.id", "service.api.key.id")) {
      assertTrue(Redaction.isSecretSetting(secret.toUpperCase(java.util.Locale.ROOT)), secret);
    }
    assertFalse(Redaction.isSecretSetting("ssl.keystore.type"));
    assertTrue(Redaction.isSecretSetting("sasl.jaas.config"));
    assertTrue(Redaction.isSecretSetting("basic.auth.user.info"));
    assertFalse(Redaction.isSecretSetting("bootstrap.servers"));
  }

  @Test
  void deadLetterMessagesCarryNoCredentials() {
    String message = DeadLetters.messages(new IllegalStateException("fetching failed",
        new RuntimeException("GET http://u:" + SECRET + "@host/x refused")));
    assertFalse(message.contains(SECRET), message);
    assertTrue(message.contains("refused"), message);
  }
}
