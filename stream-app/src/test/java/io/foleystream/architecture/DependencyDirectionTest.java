package io.foleystream.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency directions of DESIGN.md: cli -> topology -> inference/media, config below all;
 * inference and media never touch Kafka, so they can be reused and tested without a broker.
 * Inside the topology, the application wires the parts (assembler, generator, client side),
 * which share only records and operations, and the generator runs on plain Kafka clients.
 */
class DependencyDirectionTest {

  private static final String ROOT = "io.foleystream";
  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages(ROOT);
  }

  @Test
  void inferenceAndMediaNeverImportKafka() {
    noClasses().that().resideInAnyPackage(ROOT + ".inference..", ROOT + ".media..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void nothingImportsTheCli() {
    noClasses().that().resideOutsideOfPackage(ROOT + ".cli..")
        .should().dependOnClassesThat().resideInAPackage(ROOT + ".cli..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void topologyIsOnlyUsedByTheCli() {
    noClasses().that().resideOutsideOfPackages(ROOT + ".cli..", ROOT + ".topology..")
        .should().dependOnClassesThat().resideInAPackage(ROOT + ".topology..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void theGeneratorNeverUsesKafkaStreams() {
    noClasses().that().resideInAPackage(ROOT + ".topology.generator..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka.streams..")
        .check(classes);
  }

  @Test
  void onlyTheApplicationWiresTheTopologysParts() {
    noClasses().that().resideInAnyPackage(ROOT + ".topology.*..")
        .should().dependOnClassesThat().resideInAPackage(ROOT + ".topology")
        .check(classes);
  }

  @Test
  void theAssemblerTheGeneratorAndTheClientSideStayApart() {
    String assembler = ROOT + ".topology.assembler..";
    String generator = ROOT + ".topology.generator..";
    String client = ROOT + ".topology.client..";
    noClasses().that().resideInAPackage(assembler)
        .should().dependOnClassesThat().resideInAnyPackage(generator, client).check(classes);
    noClasses().that().resideInAPackage(generator)
        .should().dependOnClassesThat().resideInAnyPackage(assembler, client).check(classes);
    noClasses().that().resideInAPackage(client)
        .should().dependOnClassesThat().resideInAnyPackage(assembler, generator).check(classes);
  }

  @Test
  void recordsOperationsAndTheTimelineDependOnNoOtherPartOfTheTopology() {
    noClasses().that().resideInAnyPackage(ROOT + ".topology.records..",
            ROOT + ".topology.operations..", ROOT + ".topology.timeline..")
        .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".topology.assembler..",
            ROOT + ".topology.generator..", ROOT + ".topology.client..")
        .check(classes);
  }

  @Test
  void inferenceAndMediaStayIndependentOfEachOther() {
    noClasses().that().resideInAPackage(ROOT + ".inference..")
        .should().dependOnClassesThat().resideInAPackage(ROOT + ".media..")
        .allowEmptyShould(true)
        .check(classes);
    noClasses().that().resideInAPackage(ROOT + ".media..")
        .should().dependOnClassesThat().resideInAPackage(ROOT + ".inference..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void configDependsOnNoOtherApplicationPackage() {
    noClasses().that().resideInAPackage(ROOT + ".config..")
        .should().dependOnClassesThat().resideInAnyPackage(
            ROOT + ".cli..", ROOT + ".topology..", ROOT + ".inference..", ROOT + ".media..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void sharedUtilitiesDependOnNoApplicationPackage() {
    noClasses().that().resideInAnyPackage(ROOT + ".npy..", ROOT + ".devstack..")
        .should().dependOnClassesThat().resideInAnyPackage(
            ROOT + ".cli..", ROOT + ".topology..", ROOT + ".inference..", ROOT + ".media..")
        .check(classes);
  }
}
