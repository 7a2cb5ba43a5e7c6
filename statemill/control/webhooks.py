"""What a sender needs to call a workflow's webhook: URL, method, auth and secret (`webhook show`)."""

from __future__ import annotations

from statemill.control import config, workflows
from statemill.control.errors import NotFound, Refused
from statemill.control.target import TargetSettings
from statemill.control.trigger_deployment import rows, webhook_path
from statemill.control.triggers import WebhookTrigger
from statemill.control.webhook_secrets import signing_secret


def show(target: TargetSettings, reference: str, path: str | None = None) -> dict:
    record = workflows.get(target, reference)
    hooks = [t for t in rows(target).list(record.namespace, record.id) if isinstance(t, WebhookTrigger)]
    if path is not None:
        hooks = [t for t in hooks if t.route == path.strip("/")]
    if not hooks:
        raise NotFound(f"workflow {record.name} has no webhook{f' {path}' if path else ''}")
    if len(hooks) > 1:
        raise Refused(f"workflow {record.name} has {len(hooks)} webhooks: choose one with --path "
                      f"({', '.join(t.path for t in hooks)})")
    hook = hooks[0]
    return {"url": base_url(target) + webhook_path(record, hook), "method": hook.method, "auth": hook.auth,
            "secret": None if hook.auth == "none" else signing_secret(hook)}


def base_url(target: TargetSettings) -> str:
    """The local server's endpoint, else the deployed webhook API (`config set webhook_url`)."""
    if target.name == "local":
        return target.endpoint_url
    url = config.load(target.home).get("webhook_url")
    if not url:
        raise Refused(f"the webhook API's URL of the {target.name} target is not known: statemill config set "
                      "webhook_url URL (the stack's webhook API endpoint)")
    return url.rstrip("/")
