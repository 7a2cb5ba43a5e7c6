"""Statemill's host functions for plugins (import namespace "statemill:host").

Each refusal is recorded in the call's context and fails the whole call with an error naming
the permission, whatever the plugin does next. (A Python exception cannot cross Extism's
callback, so the functions return an empty value and the host checks the context afterwards.)
"""

import fnmatch
import json
from urllib.parse import urlsplit

import extism

from statemill.runtime.errors import PermissionDenied, PluginError, StatemillError


def _context(plugin: extism.CurrentPlugin):
    return plugin.host_context()


@extism.host_fn(name="config_get", namespace="statemill:host")
def config_get(plugin: extism.CurrentPlugin, key: str) -> str:
    context = _context(plugin)
    if key not in context.config:
        context.denial = context.denial or PermissionDenied(
            f"plugin {context.manifest.reference} read config key '{key}', which its plugin.yaml does "
            f"not declare: add it under permissions.config (declared: {', '.join(context.config) or 'none'})")
        return ""
    return context.config[key]


@extism.host_fn(name="call_plugin", namespace="statemill:host")
def call_plugin(plugin: extism.CurrentPlugin, request: str) -> str:
    context = _context(plugin)
    try:
        parsed = json.loads(request)
        target, action, payload = parsed["plugin"], parsed["action"], parsed.get("input", {})
    except (ValueError, KeyError, TypeError):
        context.denial = context.denial or PluginError(
            f"plugin {context.manifest.reference} made a malformed plugin call")
        return ""
    if target not in context.manifest.permissions.plugins:
        context.denial = context.denial or PermissionDenied(
            f"plugin {context.manifest.reference} tried to call {target}.{action}, which its plugin.yaml "
            f"does not allow: add {target} to permissions.plugins")
        return ""
    try:
        return json.dumps(context.call_plugin(target, action, payload))
    except StatemillError as error:
        context.denial = context.denial or error
        return ""


@extism.host_fn(name="http_request", namespace="statemill:host")
def http_request(plugin: extism.CurrentPlugin, request: str) -> str:
    """{method, url, headers, body} -> {status, body}: only to allowed hosts, through the
    platform's network guard (private and metadata addresses refused, on every redirect)."""
    context = _context(plugin)
    try:
        parsed = json.loads(request)
        method, url = parsed["method"], parsed["url"]
        headers, body = dict(parsed.get("headers") or {}), parsed.get("body")
        host = urlsplit(url).hostname or ""
    except (ValueError, KeyError, TypeError):
        context.denial = context.denial or PluginError(f"plugin {context.manifest.reference} made a malformed request")
        return ""
    allowed = context.manifest.permissions.network.allowed_hosts
    if not any(fnmatch.fnmatch(host, pattern) for pattern in allowed):
        context.denial = context.denial or PermissionDenied(
            f"plugin {context.manifest.reference} was refused a request to {url}: its host is not in "
            f"permissions.network.allowed_hosts (allowed: {', '.join(allowed) or 'none'})")
        return ""
    try:
        response = context.fetch(method, url, headers, body.encode() if body else None)
    except StatemillError as error:
        context.denial = context.denial or error
        return ""
    return json.dumps({"status": response.status, "body": response.body.decode(errors="replace")})


FUNCTIONS = [config_get, call_plugin, http_request]
