package org.arrowquant;

/** Status 4: a file or JSON text is malformed. */
public class AqFormatException extends AqException {
  private static final long serialVersionUID = 1L;

  public AqFormatException(String message) {
    super(4, message);
  }
}
