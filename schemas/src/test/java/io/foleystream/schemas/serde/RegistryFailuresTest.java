package io.foleystream.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.foleystream.schemas.registry.IncompatibleSchemaException;
import io.foleystream.schemas.registry.RegistryUnavailableException;
import io.foleystream.schemas.registry.SchemaNotFoundException;
import io.foleystream.schemas.registry.SchemaRegistryException;
import org.junit.jupiter.api.Test;

/** Which serde exception each registry failure becomes, and what its message names. */
class RegistryFailuresTest {

  private static final String SERIALIZING = "cannot serialize a record for topic 't': registering"
      + " the schema under subject 's' failed: ";

  @Test
  void serializingFailuresTellAnOutageFromARefusal() {
    SchemaRegistryException down = new RegistryUnavailableException("down", null);
    AvroSerdeException unreachable = RegistryFailures.whileSerializing(down, "t", "s",
        "registering the schema");
    assertInstanceOf(RegistryUnreachableException.class, unreachable);
    assertEquals(SERIALIZING + "down", unreachable.getMessage());
    assertSame(down, unreachable.getCause());

    AvroSerdeException incompatible = RegistryFailures.whileSerializing(
        new IncompatibleSchemaException("field x"), "t", "s", "registering the schema");
    assertInstanceOf(SchemaRegistrationException.class, incompatible);
    assertEquals(SERIALIZING + "the schema is incompatible with the subject's earlier versions:"
        + " field x", incompatible.getMessage());

    AvroSerdeException unknown = RegistryFailures.whileSerializing(
        new SchemaNotFoundException("no such schema", 40403), "t", "s", "registering the schema");
    assertInstanceOf(SchemaRegistrationException.class, unknown);
    assertEquals(SERIALIZING + "the schema is not registered there and "
        + AvroSerdeConfig.AUTO_REGISTER_SCHEMAS + " is false: no such schema",
        unknown.getMessage());

    AvroSerdeException other = RegistryFailures.whileSerializing(
        new SchemaRegistryException("odd", null), "t", "s", "registering the schema");
    assertInstanceOf(SchemaRegistrationException.class, other);
    assertEquals(SERIALIZING + "odd", other.getMessage());
  }

  @Test
  void deserializingFailuresTellAnOutageFromAnUnknownIdOrARefusal() {
    String context = "cannot deserialize a record from topic 't' written with schema id 7: ";
    AvroSerdeException unreachable = RegistryFailures.whileDeserializing(
        new RegistryUnavailableException("down", null), "t", 7);
    assertInstanceOf(RegistryUnreachableException.class, unreachable);
    assertEquals(context + "down", unreachable.getMessage());
    AvroSerdeException unknown = RegistryFailures.whileDeserializing(
        new SchemaNotFoundException("40403", 40403), "t", 7);
    assertInstanceOf(UnknownSchemaIdException.class, unknown);
    assertEquals(context + "the registry does not know this id: 40403", unknown.getMessage());
    AvroSerdeException rejected = RegistryFailures.whileDeserializing(
        new SchemaRegistryException("odd", null), "t", 7);
    assertInstanceOf(RegistryRequestRejectedException.class, rejected);
    assertEquals(context + "odd", rejected.getMessage());
  }
}
