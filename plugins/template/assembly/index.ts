// One exported function per action in plugin.yaml. statemill.ts wraps @extism/as-pdk.
import { input, output, JsonValue } from "./statemill";

export function greet(): i32 {
  const name = input().getString("name");
  return output(JsonValue.object().set("greeting", JsonValue.string("Hello, " + name + "!")));
}
