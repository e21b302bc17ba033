using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace ArrowQuant.Tests {

/// <summary>A small JSON reader for the conformance vectors (Mono 6.8 has no System.Text.Json): objects are
/// Dictionary&lt;string, object&gt;, arrays List&lt;object&gt;, numbers long when written without a decimal
/// point or exponent, else double (the pass rule tells integers and reals apart by how they are written).</summary>
internal sealed class Json {
  private readonly string s;
  private int i;

  private Json(string s) {
    this.s = s;
  }

  public static object Parse(string text) {
    var p = new Json(text);
    object v = p.Value();
    p.Ws();
    if (p.i != p.s.Length) throw p.Error("trailing characters");
    return v;
  }

  private Exception Error(string what) {
    return new FormatException("JSON: " + what + " at offset " + i);
  }

  private void Ws() {
    while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
  }

  private object Value() {
    Ws();
    if (i >= s.Length) throw Error("unexpected end");
    switch (s[i]) {
      case '{': return Obj();
      case '[': return Arr();
      case '"': return Str();
      case 't': return Literal("true", true);
      case 'f': return Literal("false", false);
      case 'n': return Literal("null", null);
      default: return Number();
    }
  }

  private object Literal(string word, object v) {
    if (string.CompareOrdinal(s, i, word, 0, word.Length) != 0) throw Error("bad literal");
    i += word.Length;
    return v;
  }

  private Dictionary<string, object> Obj() {
    var m = new Dictionary<string, object>();
    i++;
    Ws();
    if (s[i] == '}') { i++; return m; }
    while (true) {
      Ws();
      string k = Str();
      Ws();
      if (s[i++] != ':') throw Error("expected ':'");
      m[k] = Value();
      Ws();
      char c = s[i++];
      if (c == '}') return m;
      if (c != ',') throw Error("expected ',' or '}'");
    }
  }

  private List<object> Arr() {
    var a = new List<object>();
    i++;
    Ws();
    if (s[i] == ']') { i++; return a; }
    while (true) {
      a.Add(Value());
      Ws();
      char c = s[i++];
      if (c == ']') return a;
      if (c != ',') throw Error("expected ',' or ']'");
    }
  }

  private string Str() {
    if (s[i] != '"') throw Error("expected a string");
    var b = new StringBuilder();
    i++;
    while (true) {
      char c = s[i++];
      if (c == '"') return b.ToString();
      if (c != '\\') { b.Append(c); continue; }
      char e = s[i++];
      switch (e) {
        case 'n': b.Append('\n'); break;
        case 't': b.Append('\t'); break;
        case 'r': b.Append('\r'); break;
        case 'b': b.Append('\b'); break;
        case 'f': b.Append('\f'); break;
        case 'u': b.Append((char)Convert.ToInt32(s.Substring(i, 4), 16)); i += 4; break;
        default: b.Append(e); break;
      }
    }
  }

  private object Number() {
    int start = i;
    bool real = false;
    while (i < s.Length && "+-0123456789.eE".IndexOf(s[i]) >= 0) {
      char c = s[i++];
      if (c == '.' || c == 'e' || c == 'E') real = true;
    }
    string t = s.Substring(start, i - start);
    if (t.Length == 0) throw Error("unexpected character");
    if (real) return double.Parse(t, NumberStyles.Float, CultureInfo.InvariantCulture);
    return long.Parse(t, NumberStyles.Integer, CultureInfo.InvariantCulture);
  }
}

}
