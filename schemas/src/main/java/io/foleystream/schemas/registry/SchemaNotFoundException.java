package io.foleystream.schemas.registry;

/** The registry holds no such subject, version or schema id (HTTP 404). */
public class SchemaNotFoundException extends RegistryRequestException {

  private static final long serialVersionUID = 1L;

  /** Confluent error code: the subject does not exist. */
  public static final int SUBJECT_NOT_FOUND = 40401;
  /** Confluent error code: the version does not exist. */
  public static final int VERSION_NOT_FOUND = 40402;
  /** Confluent error code: the schema (id, or schema under a subject) does not exist. */
  public static final int SCHEMA_NOT_FOUND = 40403;

  /**
   * @param message what was looked up and the registry's answer
   * @param errorCode one of the codes above, or 404
   */
  public SchemaNotFoundException(String message, int errorCode) {
    super(message, 404, errorCode);
  }
}
