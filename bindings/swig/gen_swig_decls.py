#!/usr/bin/env python3
"""Generate the header-dependent part of the SWIG interface from capi/include/arrowquant.h.

SWIG matches multi-argument typemaps only by parameter *names*, and the C ABI names its array parameters after
what they hold (`scales`/`scales_count`, `original_means`/`original_means_count`, ...). So instead of listing
every pair by hand, this script reads the header and emits, for the conventions the header promises:

  * AQ_ENUM(c_name, ClassName)                   every `typedef enum aq_x {...} aq_x;`
  * AQ_HANDLE(c_name, ClassName, free_function)  every `typedef struct aq_x aq_x;` that has `aq_x_free`
  * %apply lines that bind each concrete parameter pair of a function to the generic typemaps:
      (const T* NAME, uint64_t NAME_count)         input array          -> AQ_IN_ARRAY
      (T* NAME, uint64_t NAME_count)               caller-filled output -> AQ_OUT_ARRAY
      (const T** NAME, uint64_t* COUNT_OR_BYTES)   view into a handle   -> AQ_VIEW
      (aq_progress_fn NAME, void* user_data)       callback             -> AQ_CALLBACK

A new function, handle or enum that follows the conventions is therefore wrapped without touching the
interface. Usage: gen_swig_decls.py HEADER OUTPUT.i [--manifest OUTPUT.json]
"""
import json
import re
import sys

ARRAY_TYPES = {"float", "double", "uint64_t", "int32_t", "uint8_t", "uint32_t", "int64_t"}
VIEW_TYPES = ARRAY_TYPES | {"char"}


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def class_name(c_name):
    """aq_tg_params -> TgParams, aq_status -> Status."""
    base = c_name[3:] if c_name.startswith("aq_") else c_name
    return "".join(part[:1].upper() + part[1:] for part in base.split("_") if part)


def common_prefix(items):
    """Longest common prefix ending in '_' that leaves every item a valid, non-empty identifier."""
    if not items:
        return ""
    prefix = items[0]
    for item in items[1:]:
        while not item.startswith(prefix):
            prefix = prefix[:-1]
    prefix = prefix[: prefix.rfind("_") + 1]
    while prefix and any(not re.match(r"[A-Za-z_]", i[len(prefix):] or "0") for i in items):
        prefix = prefix[: prefix[:-1].rfind("_") + 1]
    return prefix


def parse_param(text):
    """'const float* scales' -> ('const float*', 'scales'); '...' / 'void' -> None."""
    text = " ".join(text.replace("*", " * ").split())
    if text in ("", "void"):
        return None
    m = re.match(r"^(.*?)\s*([A-Za-z_]\w*)$", text)
    if not m:
        raise SystemExit(f"cannot parse parameter {text!r}")
    ctype = m.group(1).replace(" * ", "*").replace(" *", "*").replace("* ", "*").strip()
    return ctype, m.group(2)


def parse(header_text):
    text = strip_comments(header_text)
    enums = re.findall(r"typedef\s+enum\s+(\w+)\s*\{[^}]*\}\s*(\w+)\s*;", text)
    structs = re.findall(r"typedef\s+struct\s+(\w+)\s+(\w+)\s*;", text)
    callbacks = re.findall(r"typedef\s+[\w\s\*]+\(\s*\*\s*(\w+)\s*\)\s*\(", text)
    functions = []
    for m in re.finditer(r"AQ_API\s+([^;(]*?)\b(aq_\w+)\s*\(([^)]*)\)\s*;", text, flags=re.S):
        params = [p for p in (parse_param(x) for x in m.group(3).split(",")) if p is not None]
        functions.append({"name": m.group(2), "returns": " ".join(m.group(1).split()), "params": params})
    enum_items = {}
    for m in re.finditer(r"typedef\s+enum\s+(\w+)\s*\{([^}]*)\}", text):
        enum_items[m.group(1)] = re.findall(r"\b(AQ_\w+)\s*(?:=[^,]*)?(?:,|$)", m.group(2).strip())
    return {
        "enums": [a for a, b in enums if a == b],
        "enum_items": enum_items,
        "structs": list(dict.fromkeys(a for a, b in structs if a == b)),
        "callbacks": callbacks,
        "functions": functions,
    }


def classify(decls):
    """Group the parameter pairs of every function by the generic typemap that applies to them."""
    fn_names = {f["name"] for f in decls["functions"]}
    handles = [s for s in decls["structs"] if f"{s}_free" in fn_names]
    applies = {}  # (generic signature) -> set of concrete signatures

    def add(generic, concrete):
        applies.setdefault(generic, set()).add(concrete)

    for f in decls["functions"]:
        ps = f["params"]
        for (t1, n1), (t2, n2) in zip(ps, ps[1:]):
            if t2 == "uint64_t" and n2 == f"{n1}_count":
                m_in = re.fullmatch(r"const (\w+)\*", t1)
                m_out = re.fullmatch(r"(\w+)\*", t1)
                if m_in and m_in.group(1) in ARRAY_TYPES:
                    add(f"(const {m_in.group(1)}* AQ_IN_ARRAY, uint64_t AQ_IN_COUNT)",
                        f"(const {m_in.group(1)}* {n1}, uint64_t {n2})")
                elif m_out and m_out.group(1) in ARRAY_TYPES:
                    add(f"({m_out.group(1)}* AQ_OUT_ARRAY, uint64_t AQ_OUT_COUNT)",
                        f"({m_out.group(1)}* {n1}, uint64_t {n2})")
            m_view = re.fullmatch(r"const (\w+)\*\*", t1)
            if m_view and m_view.group(1) in VIEW_TYPES and t2 == "uint64_t*":
                add(f"(const {m_view.group(1)}** AQ_VIEW_DATA, uint64_t* AQ_VIEW_SIZE)",
                    f"(const {m_view.group(1)}** {n1}, uint64_t* {n2})")
            if t1 in decls["callbacks"] and t2 == "void*":
                add(f"({t1} AQ_CALLBACK, void* AQ_USER_DATA)", f"({t1} {n1}, void* {n2})")
    return handles, applies


def render(decls):
    handles, applies = classify(decls)
    out = ["/* Generated from arrowquant.h by bindings/swig/gen_swig_decls.py at build time: do not edit. */", ""]
    # Java and C# drop an enum's common item prefix (Dtype.F32). SWIG keeps C enum items in one global scope, so
    # an enum whose short names would collide with an earlier enum's keeps its longer names
    # (BetaScheduleKind.BETA_SCHEDULE_LINEAR next to Interpolation.LINEAR): first come, first served, so the
    # names of existing enums never change when the header adds one.
    taken = set()
    for e in decls["enums"]:
        out.append(f"AQ_ENUM({e}, {class_name(e)})")
        items = decls["enum_items"].get(e, [])
        prefix = common_prefix(items)
        short = [item[len(prefix):] for item in items]
        if taken & set(short):
            short = [item[len("AQ_"):] for item in items]
        taken |= set(short)
        for item, name in zip(items, short):
            out.append(f"AQ_ENUM_ITEM({item}, {name})")
    out.append("")
    for h in handles:
        out.append(f"AQ_HANDLE({h}, {class_name(h)}, {h}_free)")
    out.append("")
    for generic in sorted(applies):
        concretes = sorted(applies[generic])
        out.append(f"%apply {generic} {{")
        out.append(",\n".join(f"  {c}" for c in concretes))
        out.append("};")
    out.append("")
    return "\n".join(out)


def main(argv):
    if len(argv) < 3:
        raise SystemExit(__doc__)
    with open(argv[1], encoding="utf-8") as f:
        decls = parse(f.read())
    with open(argv[2], "w", encoding="utf-8") as f:
        f.write(render(decls))
    if len(argv) >= 5 and argv[3] == "--manifest":
        handles, _ = classify(decls)
        manifest = {
            "functions": [f["name"] for f in decls["functions"]],
            "enums": {e: class_name(e) for e in decls["enums"]},
            "handles": {h: class_name(h) for h in handles},
        }
        with open(argv[4], "w", encoding="utf-8") as f:
            json.dump(manifest, f, indent=1, sort_keys=True)
            f.write("\n")


if __name__ == "__main__":
    main(sys.argv)
