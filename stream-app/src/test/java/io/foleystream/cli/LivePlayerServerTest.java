package io.foleystream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live page's server: page, vendored player, playlist and segments, nothing else. */
class LivePlayerServerTest {

  @TempDir Path dir;

  @Test
  void servesThePagePlayerAndHlsFilesAndNothingOutsideTheDirectory() throws Exception {
    Path hls = Files.createDirectories(dir.resolve("live"));
    Files.writeString(hls.resolve("playlist.m3u8"), "#EXTM3U\n");
    Files.write(hls.resolve("segment00000.ts"), new byte[] {0x47, 1, 2});
    Files.writeString(dir.resolve("secret.txt"), "no");
    HttpClient http = HttpClient.newHttpClient();
    try (LivePlayerServer server = LivePlayerServer.start(0, hls)) {
      assertTrue(server.url().startsWith("http://127.0.0.1:"), server.url());
      HttpResponse<String> page = get(http, server.url());
      assertEquals(200, page.statusCode());
      assertTrue(page.body().contains("live/playlist.m3u8") && page.body().contains("hls.min.js"));
      HttpResponse<String> player = get(http, server.url() + "hls.min.js");
      assertEquals(200, player.statusCode(), "hls.js is vendored into the build");
      assertTrue(player.body().length() > 100_000, "the minified hls.js bundle");
      HttpResponse<String> playlist = get(http, server.url() + "live/playlist.m3u8");
      assertEquals("application/vnd.apple.mpegurl",
          playlist.headers().firstValue("Content-Type").orElse(""));
      assertEquals("no-cache", playlist.headers().firstValue("Cache-Control").orElse(""));
      assertEquals("video/mp2t", get(http, server.url() + "live/segment00000.ts").headers()
          .firstValue("Content-Type").orElse(""));
      assertEquals(404, get(http, server.url() + "live/segment99999.ts").statusCode());
      assertEquals(404, get(http, server.url() + "live/..%2Fsecret.txt").statusCode());
      assertEquals(404, get(http, server.url() + "live/../secret.txt").statusCode());
      assertEquals(404, get(http, server.url() + "secret.txt").statusCode());
    }
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
