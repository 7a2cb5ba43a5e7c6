// Statemill's helpers for AssemblyScript plugins: input and output, errors, config, HTTP,
// files under the declared virtual paths, and calls to other plugins.
// Build with: statemill plugin build (it passes --use abort=<entry>/statemillAbort).
import { Host } from "@extism/as-pdk";
import { JsonValue, parseJson } from "./json";
export { JsonValue, parseJson } from "./json";

@external("extism:host/env", "alloc") declare function extism_alloc(length: u64): u64;
@external("extism:host/env", "store_u8") declare function extism_store_u8(offset: u64, byte: u8): void;
@external("extism:host/env", "load_u8") declare function extism_load_u8(offset: u64): u8;
@external("extism:host/env", "length") declare function extism_length(offset: u64): u64;
@external("extism:host/env", "error_set") declare function extism_error_set(offset: u64): void;
// Statemill's host functions: they refuse, and fail the task, what plugin.yaml does not declare.
@external("statemill:host", "config_get") declare function statemill_config_get(key: u64): u64;
@external("statemill:host", "call_plugin") declare function statemill_call_plugin(request: u64): u64;
// HTTP through the host: only to permissions.network.allowed_hosts, never to private addresses.
@external("statemill:host", "http_request") declare function statemill_http_request(request: u64): u64;
// WASI: the host pre-opens one directory per declared virtual path.
@external("wasi_snapshot_preview1", "fd_prestat_get") declare function wasi_fd_prestat_get(fd: u32, buf: usize): u16;
@external("wasi_snapshot_preview1", "fd_prestat_dir_name") declare function wasi_fd_prestat_dir_name(fd: u32, path: usize, length: usize): u16;
@external("wasi_snapshot_preview1", "path_open") declare function wasi_path_open(fd: u32, dirflags: u32, path: usize, length: usize, oflags: u16, rightsBase: u64, rightsInheriting: u64, fdflags: u16, opened: usize): u16;
@external("wasi_snapshot_preview1", "fd_read") declare function wasi_fd_read(fd: u32, iovs: usize, count: usize, read: usize): u16;
@external("wasi_snapshot_preview1", "fd_write") declare function wasi_fd_write(fd: u32, iovs: usize, count: usize, written: usize): u16;
@external("wasi_snapshot_preview1", "fd_close") declare function wasi_fd_close(fd: u32): u16;

const WASI_BADF: u16 = 8;
const WASI_ACCES: u16 = 2;
const WASI_PERM: u16 = 63;
const WASI_ROFS: u16 = 69;
const WASI_NOTCAPABLE: u16 = 76;
const WASI_O_CREAT: u16 = 1;
const WASI_O_TRUNC: u16 = 8;
const WASI_ALL_RIGHTS: u64 = 0x1FFFFFFF;

function toMemory(text: string): u64 {
  const bytes = Uint8Array.wrap(String.UTF8.encode(text));
  const offset = extism_alloc(bytes.length);
  for (let i = 0; i < bytes.length; i++) extism_store_u8(offset + i, bytes[i]);
  return offset;
}

function fromMemory(offset: u64): string {
  if (offset == 0) return "";
  const length = extism_length(offset);
  const bytes = new Uint8Array(<i32>length);
  for (let i: u64 = 0; i < length; i++) bytes[<i32>i] = extism_load_u8(offset + i);
  return String.UTF8.decode(bytes.buffer);
}

// Stops the action; `kind` names the Statemill error the task fails with (PluginError, InputError...).
export function fail(kind: string, message: string): void {
  extism_error_set(toMemory("Statemill." + kind + ": " + message));
  unreachable();
}

// AssemblyScript's abort (failed assertions, bad casts) reported as a PluginError.
export function statemillAbort(message: string | null, file: string | null, line: u32, column: u32): void {
  fail("PluginError", (message === null ? "abort" : message) + " at " + (file === null ? "?" : file) + ":" + line.toString());
}

export function input(): JsonValue {
  return parseJson(Host.inputString());
}

export function output(value: JsonValue): i32 {
  Host.output(Uint8Array.wrap(String.UTF8.encode(value.stringify())));
  return 0;
}

// A config value declared under permissions.config (an undeclared key fails the task).
export function config(key: string): string {
  return fromMemory(statemill_config_get(toMemory(key)));
}

export class HttpResponse {
  constructor(public status: i32, public body: string) {}
}

export function httpRequest(method: string, url: string, headers: JsonValue, body: string): HttpResponse {
  const request = JsonValue.object();
  request.set("method", JsonValue.string(method));
  request.set("url", JsonValue.string(url));
  request.set("headers", headers);
  request.set("body", JsonValue.string(body));
  const answer = fromMemory(statemill_http_request(toMemory(request.stringify())));
  // An empty answer means the host refused the request: it fails the task and says why.
  if (answer.length == 0) fail("PluginError", "the request to " + url + " was refused");
  const response = parseJson(answer);
  return new HttpResponse(<i32>response.get("status").number, response.getString("body"));
}

// The output of another plugin's action; permissions.plugins must name that plugin.
export function callPlugin(plugin: string, action: string, actionInput: JsonValue): JsonValue {
  const request = JsonValue.object();
  request.set("plugin", JsonValue.string(plugin));
  request.set("action", JsonValue.string(action));
  request.set("input", actionInput);
  const result = fromMemory(statemill_call_plugin(toMemory(request.stringify())));
  if (result.length == 0) fail("PluginError", "the call to " + plugin + "." + action + " failed");
  return parseJson(result);
}

// The pre-opened directory holding `path`, and `path` relative to it; fails when none does.
function locate(path: string): string[] {
  for (let fd: u32 = 3; ; fd++) {
    const prestat = new ArrayBuffer(8);
    const errno = wasi_fd_prestat_get(fd, changetype<usize>(prestat));
    if (errno == WASI_BADF) break;
    if (errno != 0) continue;
    const nameLength = load<u32>(changetype<usize>(prestat) + 4);
    const name = new ArrayBuffer(nameLength);
    wasi_fd_prestat_dir_name(fd, changetype<usize>(name), nameLength);
    const root = String.UTF8.decode(name);
    if (path == root || path.startsWith(root + "/")) {
      return [fd.toString(), path.length > root.length ? path.substr(root.length + 1) : "."];
    }
  }
  fail("PermissionDenied", "filesystem: " + path + " is outside the plugin's virtual paths (permissions.filesystem)");
  return [];
}

function open(path: string, oflags: u16): u32 {
  const place = locate(path);
  const relative = String.UTF8.encode(place[1]);
  const opened = new ArrayBuffer(4);
  const errno = wasi_path_open(<u32>parseInt(place[0]), 0, changetype<usize>(relative), relative.byteLength,
    oflags, WASI_ALL_RIGHTS, WASI_ALL_RIGHTS, 0, changetype<usize>(opened));
  const outside = "filesystem: " + path + " is outside the plugin's virtual paths (permissions.filesystem)";
  // WASI answers EPERM or ENOTCAPABLE both for a path leaving its directory and for writing a read-only one.
  const leaves = path.includes("/..");
  if ((errno == WASI_NOTCAPABLE || errno == WASI_PERM) && (leaves || oflags == 0)) fail("PermissionDenied", outside);
  if (oflags != 0 && (errno == WASI_ACCES || errno == WASI_PERM || errno == WASI_ROFS || errno == WASI_NOTCAPABLE)) {
    fail("PermissionDenied", "filesystem: " + path + " is read-only (permissions.filesystem)");
  }
  if (errno != 0) fail("PluginError", "cannot open " + path + " (WASI error " + errno.toString() + ")");
  return load<u32>(changetype<usize>(opened));
}

export function readFile(path: string): string {
  const fd = open(path, 0);
  const chunks = new Array<string>();
  const buffer = new ArrayBuffer(4096);
  const iov = new ArrayBuffer(8);
  const count = new ArrayBuffer(4);
  while (true) {
    store<u32>(changetype<usize>(iov), changetype<usize>(buffer));
    store<u32>(changetype<usize>(iov) + 4, 4096);
    if (wasi_fd_read(fd, changetype<usize>(iov), 1, changetype<usize>(count)) != 0) break;
    const read = load<u32>(changetype<usize>(count));
    if (read == 0) break;
    chunks.push(String.UTF8.decode(buffer.slice(0, read)));
  }
  wasi_fd_close(fd);
  return chunks.join("");
}

export function writeFile(path: string, text: string): void {
  const fd = open(path, WASI_O_CREAT | WASI_O_TRUNC);
  const bytes = String.UTF8.encode(text);
  const iov = new ArrayBuffer(8);
  const count = new ArrayBuffer(4);
  store<u32>(changetype<usize>(iov), changetype<usize>(bytes));
  store<u32>(changetype<usize>(iov) + 4, bytes.byteLength);
  const errno = wasi_fd_write(fd, changetype<usize>(iov), 1, changetype<usize>(count));
  wasi_fd_close(fd);
  if (errno != 0) fail("PermissionDenied", "filesystem: cannot write " + path + " (WASI error " + errno.toString() + "; is it read-only in permissions.filesystem?)");
}
