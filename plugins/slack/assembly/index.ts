import { config, fail, httpRequest, input, output, parseJson, JsonValue } from "../../sdk/statemill";
import { JsonKind } from "../../sdk/json";

export function send(): i32 {
  const request = input();
  const body = JsonValue.object();
  body.set("channel", JsonValue.string(request.getString("channel")));
  body.set("text", JsonValue.string(request.getString("message")));
  const headers = JsonValue.object();
  headers.set("Authorization", JsonValue.string("Bearer " + config("token")));
  headers.set("Content-Type", JsonValue.string("application/json; charset=utf-8"));
  const response = httpRequest("POST", config("api_url") + "/chat.postMessage", headers, body.stringify());
  if (response.status != 200) fail("HttpError", "Slack answered HTTP " + response.status.toString());
  const answer = parseJson(response.body);
  const ok = answer.get("ok");
  if (ok.kind != JsonKind.Bool || !ok.bool) {
    // Slack's error codes (channel_not_found, invalid_auth, …) are the useful part.
    fail("PluginError", "Slack refused the message: " + answer.getString("error", "no error given"));
  }
  const result = JsonValue.object();
  result.set("ok", JsonValue.bool(true));
  result.set("channel", JsonValue.string(answer.getString("channel")));
  result.set("ts", JsonValue.string(answer.getString("ts")));
  return output(result);
}
