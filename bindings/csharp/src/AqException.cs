using System;

namespace ArrowQuant {

/// <summary>A call into libarrowquant returned a non-OK status. Each status has its own subclass
/// (AqFormatException for AQ_ERR_FORMAT, ...); Status is the C status code, Message the library's message
/// (aq_last_error_message()). The subclasses and FromStatus are generated from the header's aq_status
/// (bindings/swig/gen_status_map.py).</summary>
public partial class AqException : Exception {
  public AqException(int status, string message) : base(message) {
    Status = status;
  }

  /// <summary>The C status code (AQ_ERR_* value).</summary>
  public int Status { get; private set; }

  /// <summary>"AQ_ERR_FORMAT", ...</summary>
  public string StatusName {
    get { return ArrowQuantNative.StatusName((ArrowQuant.Status)Status); }
  }
}

}
