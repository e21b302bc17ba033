package org.arrowquant;

/** Status 2: an allocation failed or a memory limit would be exceeded. */
public class AqOutOfMemoryException extends AqException {
  private static final long serialVersionUID = 1L;

  public AqOutOfMemoryException(String message) {
    super(2, message);
  }
}
