package org.arrowquant;

/** Status 3: reading or writing a file failed. */
public class AqIoException extends AqException {
  private static final long serialVersionUID = 1L;

  public AqIoException(String message) {
    super(3, message);
  }
}
