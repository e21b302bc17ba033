package org.arrowquant;

/** Status 6: a progress callback asked to stop. */
public class AqCancelledException extends AqException {
  private static final long serialVersionUID = 1L;

  public AqCancelledException(String message) {
    super(6, message);
  }
}
