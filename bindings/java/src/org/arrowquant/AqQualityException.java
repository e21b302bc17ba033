package org.arrowquant;

/** Status 7: a layer is below min_accuracy and fail_fast forbids fallback. */
public class AqQualityException extends AqException {
  private static final long serialVersionUID = 1L;

  public AqQualityException(String message) {
    super(7, message);
  }
}
