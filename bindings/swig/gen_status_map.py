#!/usr/bin/env python3
"""Generate each binding's status -> exception mapping from the aq_status enum of capi/include/arrowquant.h.

Every AQ_ERR_<NAME> = <code> /* <description> */ item of the enum becomes, with <Name> the CamelCase of <NAME>
(AQ_ERR_INVALID_ARGUMENT -> InvalidArgument):

  swig OUT.i        for the SWIG interface (Java, C#, Python): a C function aq_status_exception_base(status) giving
                    <Name> (NULL for AQ_OK and unknown values), used by the Java typemaps to pick the class
                    Aq<Name>Exception, and for Python the table arrowquant.capi.AQ_STATUS_ERRORS
                    ((code, "AQ_ERR_<NAME>", "<Name>", "<description>"), ...), from which arrowquant.errors makes the
                    class <Name>Error per status;
  java DIR          DIR/Aq<Name>Exception.java, one class per status (package org.arrowquant);
  csharp OUT.cs     the classes Aq<Name>Exception and AqException.FromStatus (namespace ArrowQuant);
  rust OUT.rs       the enum Status (variant <Name> per status, Unknown(u32) for others) with from_code and code;
  check-rust FILE   exit 1 when FILE (the checked-in Rust module) differs from what `rust` would write.

A status added to the header therefore reaches every binding without editing any of them. The Rust module is
checked in (a crate builds without Python); CTest's rust.status_map_current runs check-rust.
"""
import os
import re
import sys

GENERATED = "Generated from aq_status in capi/include/arrowquant.h by bindings/swig/gen_status_map.py: do not edit."


def parse_statuses(header_text):
    """[(code, c_name, base_name, description)] of the failure statuses (AQ_OK excluded), in enum order."""
    m = re.search(r"typedef\s+enum\s+aq_status\s*\{(.*?)\}\s*aq_status\s*;", header_text, flags=re.S)
    if not m:
        raise SystemExit("arrowquant.h has no `typedef enum aq_status {...} aq_status;`")
    statuses = []
    for line in m.group(1).splitlines():
        line = line.strip()
        if not line:
            continue
        item = re.fullmatch(r"(AQ_\w+)\s*=\s*(\d+)\s*,?\s*(?:/\*\s*(.*?)\s*\*/)?", line)
        if not item:
            raise SystemExit(f"cannot parse aq_status item {line!r} (expected `AQ_X = N, /* description */`)")
        c_name, code, description = item.group(1), int(item.group(2)), item.group(3) or ""
        if c_name == "AQ_OK":
            continue
        if not c_name.startswith("AQ_ERR_"):
            raise SystemExit(f"aq_status item {c_name} does not start with AQ_ERR_")
        if not description:
            raise SystemExit(f"aq_status item {c_name} has no /* description */ comment")
        base = "".join(part.capitalize() for part in c_name[len("AQ_ERR_"):].split("_"))
        statuses.append((code, c_name, base, description))
    return statuses


def sentence(description):
    return description[:1].upper() + description[1:] + "."


def render_swig(statuses):
    cases = "\n".join(f'    case {c}: return "{b}";' for _, c, b, _ in statuses)
    rows = "\n".join(f"    ({code}, {c!r}, {b!r}, {d!r})," for code, c, b, d in statuses)
    return f"""/* {GENERATED} */

%{{
/* The exception base name of a failure status (Aq<base>Exception, <base>Error); NULL for AQ_OK and unknown
 * values. */
static const char* aq_status_exception_base(int status) {{
  switch (status) {{
{cases}
    default: return NULL;
  }}
}}
%}}

#if defined(SWIGPYTHON)
%pythoncode %{{
# (code, C name, exception base name, description) of every failure status: arrowquant.errors makes the classes.
AQ_STATUS_ERRORS = (
{rows}
)
%}}
#endif
"""


def render_java(code, c_name, base, description):
    return f"""/* {GENERATED} */
package org.arrowquant;

/** {c_name} (status {code}): {description}. */
public class Aq{base}Exception extends AqException {{
  private static final long serialVersionUID = 1L;

  public Aq{base}Exception(String message) {{
    super({code}, message);
  }}
}}
"""


def render_csharp(statuses):
    cases = "\n".join(f"      case {code}: return new Aq{b}Exception(message);" for code, _, b, _ in statuses)
    classes = "\n".join(
        f"/// <summary>{c} (status {code}): {d}.</summary>\n"
        f"public class Aq{b}Exception : AqException {{ public Aq{b}Exception(string m) : base({code}, m) {{}} }}"
        for code, c, b, d in statuses)
    return f"""// {GENERATED}
namespace ArrowQuant {{

public partial class AqException {{
  /// <summary>The exception object of a status (used by the binding when a call fails).</summary>
  public static AqException FromStatus(int status, string message) {{
    switch (status) {{
{cases}
      default: return new AqException(status, message);
    }}
  }}
}}

{classes}

}}
"""


def render_rust(statuses):
    variants = "\n".join(f"    /// `{c}`: {d}.\n    {b}," for _, c, b, d in statuses)
    from_code = "\n".join(f"            sys::{c} => Status::{b}," for _, c, b, _ in statuses)
    to_code = "\n".join(f"            Status::{b} => sys::{c}," for _, c, b, _ in statuses)
    return f"""// {GENERATED}
// Regenerate (from the repository root):
//   python3 bindings/swig/gen_status_map.py rust bindings/rust/arrowquant/src/status.rs capi/include/arrowquant.h
use arrowquant_sys as sys;

/// A failure status of the C ABI (`aq_status` other than `AQ_OK`). The numeric values are stable
/// ([`Status::code`]); a value added by a newer library arrives as [`Status::Unknown`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {{
{variants}
    /// A status this crate does not know (from a newer library).
    Unknown(u32),
}}

impl Status {{
    /// The failure status for a raw code; `None` for `AQ_OK`.
    pub fn from_code(code: sys::aq_status) -> Option<Status> {{
        Some(match code {{
            sys::AQ_OK => return None,
{from_code}
            other => Status::Unknown(other),
        }})
    }}

    /// The raw `aq_status` value.
    pub fn code(self) -> sys::aq_status {{
        match self {{
{to_code}
            Status::Unknown(code) => code,
        }}
    }}
}}
"""


def write(path, text):
    """Writes only when the content changes, so that dependents are not rebuilt for nothing."""
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    except OSError:
        pass
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main(argv):
    if len(argv) != 4:
        raise SystemExit(__doc__ + "\nusage: gen_status_map.py swig|java|csharp|rust|check-rust OUT HEADER")
    mode, out, header = argv[1:]
    with open(header, encoding="utf-8") as f:
        statuses = parse_statuses(f.read())
    if mode == "swig":
        write(out, render_swig(statuses))
    elif mode == "java":
        os.makedirs(out, exist_ok=True)
        for status in statuses:
            write(os.path.join(out, f"Aq{status[2]}Exception.java"), render_java(*status))
    elif mode == "csharp":
        write(out, render_csharp(statuses))
    elif mode == "rust":
        write(out, render_rust(statuses))
    elif mode == "check-rust":
        with open(out, encoding="utf-8") as f:
            if f.read() != render_rust(statuses):
                raise SystemExit(f"{out} is stale (aq_status changed?): run\n"
                                 f"  python3 bindings/swig/gen_status_map.py rust {out} {header}")
        print(f"{out}: up to date with aq_status ({len(statuses)} failure statuses)")
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv)
