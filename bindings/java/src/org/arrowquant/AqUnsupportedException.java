package org.arrowquant;

/** Status 5: valid but not supported (bits, group size, dtype). */
public class AqUnsupportedException extends AqException {
  private static final long serialVersionUID = 1L;

  public AqUnsupportedException(String message) {
    super(5, message);
  }
}
