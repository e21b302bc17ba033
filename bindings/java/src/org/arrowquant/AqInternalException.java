package org.arrowquant;

/** Status 8: a bug in the library; please report it with the message. */
public class AqInternalException extends AqException {
  private static final long serialVersionUID = 1L;

  public AqInternalException(String message) {
    super(8, message);
  }
}
