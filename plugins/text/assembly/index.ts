import { input, output, JsonValue } from "../../sdk/statemill";
import { JsonKind } from "../../sdk/json";
import { sha256Hex } from "./sha256";

export function template(): i32 {
  const request = input();
  const values = request.get("values");
  let text = request.getString("template");
  for (let i = 0; i < values.keys.length; i++) {
    const value = values.get(values.keys[i]);
    const shown = value.kind == JsonKind.String ? value.text : value.stringify();
    text = text.replaceAll("{" + values.keys[i] + "}", shown);
  }
  return output(JsonValue.object().set("text", JsonValue.string(text)));
}

export function slugify(): i32 {
  const text = input().getString("text").toLowerCase();
  let slug = "";
  let gap = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
      if (gap && slug.length > 0) slug += "-";
      slug += String.fromCharCode(c);
      gap = false;
    } else {
      gap = true;
    }
  }
  return output(JsonValue.object().set("slug", JsonValue.string(slug)));
}

export function hash(): i32 {
  const bytes = Uint8Array.wrap(String.UTF8.encode(input().getString("text")));
  return output(JsonValue.object().set("sha256", JsonValue.string(sha256Hex(bytes))));
}
