using System;

namespace ArrowQuant {

/// <summary>A call into libarrowquant returned a non-OK status. Each status has its own subclass
/// (AqFormatException for AQ_ERR_FORMAT, ...); Status is the C status code, Message the library's message
/// (aq_last_error_message()).</summary>
public class AqException : Exception {
  public AqException(int status, string message) : base(message) {
    Status = status;
  }

  /// <summary>The C status code (AQ_ERR_* value).</summary>
  public int Status { get; private set; }

  /// <summary>"AQ_ERR_FORMAT", ...</summary>
  public string StatusName {
    get { return ArrowQuantNative.StatusName((ArrowQuant.Status)Status); }
  }

  /// <summary>The exception object of a status (used by the binding when a call fails).</summary>
  public static AqException FromStatus(int status, string message) {
    switch (status) {
      case 1: return new AqInvalidArgumentException(message);
      case 2: return new AqOutOfMemoryException(message);
      case 3: return new AqIoException(message);
      case 4: return new AqFormatException(message);
      case 5: return new AqUnsupportedException(message);
      case 6: return new AqCancelledException(message);
      case 7: return new AqQualityException(message);
      case 8: return new AqInternalException(message);
      default: return new AqException(status, message);
    }
  }
}

/// <summary>Status 1: a parameter is NULL, out of range, or inconsistent with another.</summary>
public class AqInvalidArgumentException : AqException { public AqInvalidArgumentException(string m) : base(1, m) {} }
/// <summary>Status 2: an allocation failed or a memory limit would be exceeded.</summary>
public class AqOutOfMemoryException : AqException { public AqOutOfMemoryException(string m) : base(2, m) {} }
/// <summary>Status 3: reading or writing a file failed.</summary>
public class AqIoException : AqException { public AqIoException(string m) : base(3, m) {} }
/// <summary>Status 4: a file or JSON text is malformed.</summary>
public class AqFormatException : AqException { public AqFormatException(string m) : base(4, m) {} }
/// <summary>Status 5: valid but not supported (bits, group size, dtype).</summary>
public class AqUnsupportedException : AqException { public AqUnsupportedException(string m) : base(5, m) {} }
/// <summary>Status 6: a progress callback asked to stop.</summary>
public class AqCancelledException : AqException { public AqCancelledException(string m) : base(6, m) {} }
/// <summary>Status 7: a layer is below min_accuracy and fail_fast forbids fallback.</summary>
public class AqQualityException : AqException { public AqQualityException(string m) : base(7, m) {} }
/// <summary>Status 8: a bug in the library; please report it with the message.</summary>
public class AqInternalException : AqException { public AqInternalException(string m) : base(8, m) {} }

}
