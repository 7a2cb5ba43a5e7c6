// A small JSON value for plugins: parse the action's input, build and print its output.
export enum JsonKind { Null, Bool, Number, String, Array, Object }

export class JsonValue {
  kind: JsonKind = JsonKind.Null;
  bool: bool = false;
  number: f64 = 0;
  text: string = "";
  items: Array<JsonValue> = new Array<JsonValue>();
  keys: Array<string> = new Array<string>();
  values: Map<string, JsonValue> = new Map<string, JsonValue>();

  static null(): JsonValue { return new JsonValue(); }
  static bool(value: bool): JsonValue { const v = new JsonValue(); v.kind = JsonKind.Bool; v.bool = value; return v; }
  static number(value: f64): JsonValue { const v = new JsonValue(); v.kind = JsonKind.Number; v.number = value; return v; }
  static string(value: string): JsonValue { const v = new JsonValue(); v.kind = JsonKind.String; v.text = value; return v; }
  static array(): JsonValue { const v = new JsonValue(); v.kind = JsonKind.Array; return v; }
  static object(): JsonValue { const v = new JsonValue(); v.kind = JsonKind.Object; return v; }

  set(key: string, value: JsonValue): JsonValue {
    if (!this.values.has(key)) this.keys.push(key);
    this.values.set(key, value);
    return this;
  }

  push(value: JsonValue): JsonValue { this.items.push(value); return this; }

  has(key: string): bool { return this.kind == JsonKind.Object && this.values.has(key); }

  get(key: string): JsonValue { return this.has(key) ? this.values.get(key) : JsonValue.null(); }

  // The string at `key`, or `fallback` when it is missing or not a string.
  getString(key: string, fallback: string = ""): string {
    const value = this.get(key);
    return value.kind == JsonKind.String ? value.text : fallback;
  }

  stringify(): string {
    switch (this.kind) {
      case JsonKind.Null: return "null";
      case JsonKind.Bool: return this.bool ? "true" : "false";
      case JsonKind.Number: return Number.isInteger(this.number) && Math.abs(this.number) < 9007199254740992
        ? (<i64>this.number).toString() : this.number.toString();
      case JsonKind.String: return quote(this.text);
      case JsonKind.Array: {
        const parts = new Array<string>();
        for (let i = 0; i < this.items.length; i++) parts.push(this.items[i].stringify());
        return "[" + parts.join(",") + "]";
      }
      default: {
        const parts = new Array<string>();
        for (let i = 0; i < this.keys.length; i++) {
          parts.push(quote(this.keys[i]) + ":" + this.values.get(this.keys[i]).stringify());
        }
        return "{" + parts.join(",") + "}";
      }
    }
  }
}

function quote(text: string): string {
  let out = "\"";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c == 34) out += "\\\"";
    else if (c == 92) out += "\\\\";
    else if (c == 10) out += "\\n";
    else if (c == 13) out += "\\r";
    else if (c == 9) out += "\\t";
    else if (c < 32) out += "\\u" + c.toString(16).padStart(4, "0");
    else out += String.fromCharCode(c);
  }
  return out + "\"";
}

class Parser {
  position: i32 = 0;
  constructor(public text: string) {}

  fail(what: string): void {
    throw new Error("invalid JSON input: " + what + " at character " + this.position.toString());
  }

  space(): void {
    while (this.position < this.text.length) {
      const c = this.text.charCodeAt(this.position);
      if (c != 32 && c != 9 && c != 10 && c != 13) break;
      this.position++;
    }
  }

  value(): JsonValue {
    this.space();
    if (this.position >= this.text.length) this.fail("unexpected end");
    const c = this.text.charCodeAt(this.position);
    if (c == 123) return this.object();
    if (c == 91) return this.array();
    if (c == 34) return JsonValue.string(this.string());
    if (this.text.startsWith("true", this.position)) { this.position += 4; return JsonValue.bool(true); }
    if (this.text.startsWith("false", this.position)) { this.position += 5; return JsonValue.bool(false); }
    if (this.text.startsWith("null", this.position)) { this.position += 4; return JsonValue.null(); }
    return this.number();
  }

  object(): JsonValue {
    const result = JsonValue.object();
    this.position++;
    this.space();
    if (this.text.charCodeAt(this.position) == 125) { this.position++; return result; }
    while (true) {
      this.space();
      if (this.text.charCodeAt(this.position) != 34) this.fail("expected a key");
      const key = this.string();
      this.space();
      if (this.text.charCodeAt(this.position) != 58) this.fail("expected ':'");
      this.position++;
      result.set(key, this.value());
      this.space();
      const c = this.text.charCodeAt(this.position++);
      if (c == 125) return result;
      if (c != 44) this.fail("expected ',' or '}'");
    }
  }

  array(): JsonValue {
    const result = JsonValue.array();
    this.position++;
    this.space();
    if (this.text.charCodeAt(this.position) == 93) { this.position++; return result; }
    while (true) {
      result.push(this.value());
      this.space();
      const c = this.text.charCodeAt(this.position++);
      if (c == 93) return result;
      if (c != 44) this.fail("expected ',' or ']'");
    }
  }

  string(): string {
    let out = "";
    this.position++;
    while (this.position < this.text.length) {
      const c = this.text.charCodeAt(this.position++);
      if (c == 34) return out;
      if (c != 92) { out += String.fromCharCode(c); continue; }
      const e = this.text.charCodeAt(this.position++);
      if (e == 110) out += "\n";
      else if (e == 116) out += "\t";
      else if (e == 114) out += "\r";
      else if (e == 98) out += "\b";
      else if (e == 102) out += "\f";
      else if (e == 117) { out += String.fromCharCode(<i32>parseInt(this.text.substr(this.position, 4), 16)); this.position += 4; }
      else out += String.fromCharCode(e);
    }
    this.fail("unterminated string");
    return out;
  }

  number(): JsonValue {
    const start = this.position;
    while (this.position < this.text.length) {
      const c = this.text.charCodeAt(this.position);
      if (!(c >= 48 && c <= 57) && c != 45 && c != 43 && c != 46 && c != 101 && c != 69) break;
      this.position++;
    }
    if (start == this.position) this.fail("unexpected character");
    return JsonValue.number(parseFloat(this.text.substring(start, this.position)));
  }
}

export function parseJson(text: string): JsonValue {
  return new Parser(text).value();
}
