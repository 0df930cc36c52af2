package io.foleystream.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the registry launcher looks for the unpacked Apicurio distribution. */
class ApicurioDistributionLocationTest {

  @TempDir
  Path dir;

  @AfterEach
  void clearProperty() {
    System.clearProperty(ApicurioRegistryServer.HOME_PROPERTY);
  }

  @Test
  void theConfiguredDirectoryIsUsedWhenItHoldsTheServer() throws IOException {
    Files.createFile(dir.resolve("quarkus-run.jar"));
    System.setProperty(ApicurioRegistryServer.HOME_PROPERTY, dir.toString());

    assertEquals(dir, ApicurioRegistryServer.locateDistribution());
  }

  @Test
  void aRelativeDirectoryIsMadeAbsoluteForTheServerThatRunsElsewhere() throws IOException {
    Path relative = Path.of("").toAbsolutePath().relativize(dir);
    Files.createFile(dir.resolve("quarkus-run.jar"));
    System.setProperty(ApicurioRegistryServer.HOME_PROPERTY, relative.toString());

    assertEquals(dir, ApicurioRegistryServer.locateDistribution());
  }

  @Test
  void aMissingDistributionSaysHowToGetOne() {
    System.setProperty(ApicurioRegistryServer.HOME_PROPERTY, dir.toString());

    IllegalStateException e = assertThrows(IllegalStateException.class,
        ApicurioRegistryServer::locateDistribution);

    assertTrue(e.getMessage().contains("no quarkus-run.jar in " + dir), e.getMessage());
    assertTrue(e.getMessage().contains("mvn -pl stream-app -am package"), e.getMessage());
    assertTrue(e.getMessage().contains(ApicurioRegistryServer.HOME_PROPERTY), e.getMessage());
  }
}
