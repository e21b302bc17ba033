package org.arrowquant;

/**
 * A call into libarrowquant returned a non-OK status. Each status has its own subclass (AqFormatException for
 * AQ_ERR_FORMAT, ...); {@link #getStatus()} is the C status code and {@link #getMessage()} the library's message
 * (aq_last_error_message()). The subclasses are generated from the header's aq_status
 * (bindings/swig/gen_status_map.py).
 */
public class AqException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;

  public AqException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The C status code (AQ_ERR_* value). */
  public int getStatus() {
    return status;
  }

  /** The status as the enum (null for a value this binding does not know). */
  public Status getStatusEnum() {
    for (Status s : Status.values()) {
      if (s.swigValue() == status) return s;
    }
    return null;
  }

  /** "AQ_ERR_FORMAT", ...; "AQ_ERR_UNKNOWN" for a status this binding does not know. */
  public String getStatusName() {
    Status s = getStatusEnum();
    return s == null ? "AQ_ERR_UNKNOWN" : ArrowQuantNative.statusName(s);
  }
}
