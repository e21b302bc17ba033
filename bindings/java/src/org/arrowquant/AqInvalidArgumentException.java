package org.arrowquant;

/** Status 1: a parameter is NULL, out of range, or inconsistent with another. */
public class AqInvalidArgumentException extends AqException {
  private static final long serialVersionUID = 1L;

  public AqInvalidArgumentException(String message) {
    super(1, message);
  }
}
