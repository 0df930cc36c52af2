package io.foleystream.schemas.serde;

import io.foleystream.schemas.registry.IncompatibleSchemaException;
import io.foleystream.schemas.registry.RegistryUnavailableException;
import io.foleystream.schemas.registry.SchemaNotFoundException;
import io.foleystream.schemas.registry.SchemaRegistryException;

/** Translates registry failures into the serde exceptions a Kafka caller can act on. */
final class RegistryFailures {

  private RegistryFailures() {
  }

  /** A failure while the serializer obtained a schema id. */
  static AvroSerdeException whileSerializing(SchemaRegistryException e, String topic,
      String subject, String what) {
    String context = "cannot serialize a record for topic '" + topic + "': " + what
        + " under subject '" + subject + "' failed";
    if (e instanceof RegistryUnavailableException) {
      return new RegistryUnreachableException(context + ": " + e.getMessage(), e);
    }
    if (e instanceof IncompatibleSchemaException) {
      return new SchemaRegistrationException(context
          + ": the schema is incompatible with the subject's earlier versions: " + e.getMessage(),
          e);
    }
    if (e instanceof SchemaNotFoundException) {
      return new SchemaRegistrationException(context + ": the schema is not registered there and "
          + AvroSerdeConfig.AUTO_REGISTER_SCHEMAS + " is false: " + e.getMessage(), e);
    }
    return new SchemaRegistrationException(context + ": " + e.getMessage(), e);
  }

  /** A failure while the deserializer fetched a writer schema. */
  static AvroSerdeException whileDeserializing(SchemaRegistryException e, String topic,
      int schemaId) {
    String context = "cannot deserialize a record from topic '" + topic
        + "' written with schema id " + schemaId;
    if (e instanceof RegistryUnavailableException) {
      return new RegistryUnreachableException(context + ": " + e.getMessage(), e);
    }
    if (e instanceof SchemaNotFoundException) {
      return new UnknownSchemaIdException(context + ": the registry does not know this id: "
          + e.getMessage(), e);
    }
    return new RegistryRequestRejectedException(context + ": " + e.getMessage(), e);
  }
}
