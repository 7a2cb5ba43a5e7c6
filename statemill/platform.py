"""The one source of truth for platform resource names and key schemas.

Used by the CDK constructs (infra/) and by the local engine's provisioner, so the local and
cloud targets cannot drift. Plain data only: importing this module costs nothing.
"""

import hashlib
from dataclasses import dataclass

# Lambda functions of the platform, by the name the compiler's placeholders use.
TASK_RUNNER = "task_runner"
PLUGIN_HOST = "plugin_host"
CODE_RUNNERS = {
    "python": "code_runner_python",
    "javascript": "code_runner_javascript",
    "bash": "code_runner_bash",
}
FUNCTIONS = (TASK_RUNNER, PLUGIN_HOST, *CODE_RUNNERS.values())
# Functions of the platform itself, never invoked by a workflow's state machine.
CONTROL_API = "control_api"
WEBHOOK = "webhook"


@dataclass(frozen=True)
class Table:
    logical_name: str
    partition_key: str
    sort_key: str | None = None
    ttl_attribute: str | None = None


# Workflows, versions, triggers, plugins, approvals: one single-table design.
REGISTRY_TABLE = Table("registry", partition_key="pk", sort_key="sk")
# Rows written by core/db.* tasks: pk = "<namespace>#<table>", sk = the item's key.
DATA_TABLE = Table("data", partition_key="pk", sort_key="sk")
# Webhook deliveries and scheduled slots already started (powertools Idempotency layout).
IDEMPOTENCY_TABLE = Table("idempotency", partition_key="id", ttl_attribute="expiration")
TABLES = (REGISTRY_TABLE, DATA_TABLE, IDEMPOTENCY_TABLE)

# Offloaded payloads (payloads/) and plugin artifacts (plugins/) share one bucket.
BUCKET = "platform"
PAYLOAD_PREFIX = "payloads/"
PLUGIN_PREFIX = "plugins/"

# The IAM role Step Functions runs the workflows' state machines with.
STATES_ROLE = "states"

# Lambda functions that start executions for triggers: the webhook API's handler, and the
# target of every cron schedule (it names the execution from the scheduled time).
WEBHOOK = "webhook"
SCHEDULED_START = "scheduled_start"
# The EventBridge Scheduler group of every workflow's cron schedules, and the role the
# schedules invoke SCHEDULED_START with.
SCHEDULE_GROUP = "schedules"
SCHEDULER_ROLE = "scheduler"
# The log group every workflow's state machine logs to.
STATES_LOG_GROUP = "states"
# The alias `workflow apply` moves to the version it publishes.
LIVE_ALIAS = "live"
# The EventBridge Scheduler group holding workflows' schedules, and the role they start with.
SCHEDULE_GROUP = "schedules"
SCHEDULER_ROLE = "scheduler"


def resource_name(stage: str, logical_name: str) -> str:
    """The physical name of a table, bucket or function for a stage: statemill-dev-registry."""
    return f"statemill-{stage}-{logical_name}".replace("_", "-")


def states_log_group_name(stage: str) -> str:
    """The workflows' log group; /aws/vendedlogs/ keeps Step Functions under the resource policy limit."""
    return f"/aws/vendedlogs/states/{resource_name(stage, STATES_LOG_GROUP)}"


def state_machine_name(stage: str, namespace: str, workflow: str) -> str:
    """The state machine of a workflow: statemill-dev-team_data--daily_sync (at most 80 chars).

    Namespaces hold no '-', so the first '--' always separates namespace from workflow id.
    """
    name = f"statemill-{stage}-{namespace.replace('.', '_')}--{workflow}"
    if len(name) <= 80:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[:71]}-{digest}"


def schedule_name(namespace: str, workflow: str, trigger: int, part: int) -> str:
    """A cron trigger's schedule: default--daily_sync--0-0 (at most 64 chars).

    `part` is 1 for the second schedule of a cron restricting both day fields.
    """
    name = f"{namespace.replace('.', '_')}--{workflow}--{trigger}-{part}"
    if len(name) <= 64:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[:55]}-{digest}"


def secret_parameter_prefix(stage: str) -> str:
    """Where a stage's secrets live in SSM Parameter Store: <prefix>/<namespace>/<NAME>."""
    return f"/statemill/{stage}"


# Environment variables through which the CDK app (or the local engine) tells a Lambda
# where its resources are.
ENV_STAGE = "STATEMILL_STAGE"
ENV_REGISTRY_TABLE = "STATEMILL_REGISTRY_TABLE"
ENV_DATA_TABLE = "STATEMILL_DATA_TABLE"
ENV_IDEMPOTENCY_TABLE = "STATEMILL_IDEMPOTENCY_TABLE"
ENV_BUCKET = "STATEMILL_BUCKET"
ENV_OFFLOAD_THRESHOLD = "STATEMILL_OFFLOAD_THRESHOLD"
ENV_ALLOW_PRIVATE_NETWORKS = "STATEMILL_ALLOW_PRIVATE_NETWORKS"
# Which secret store task functions read (statemill.runtime.secret_store): SSM on AWS and
# LocalStack; the local engine and server name their encrypted file store instead.
ENV_SECRET_STORE = "STATEMILL_SECRET_STORE"
SSM_SECRET_STORE = "ssm:"  # + secret_parameter_prefix(stage)
FILE_SECRET_STORE = "file:"  # + the directory holding secrets.enc and secrets.key
ENV_TABLES = {
    REGISTRY_TABLE: ENV_REGISTRY_TABLE,
    DATA_TABLE: ENV_DATA_TABLE,
    IDEMPOTENCY_TABLE: ENV_IDEMPOTENCY_TABLE,
}


def platform_environment(stage: str) -> dict[str, str]:
    """The environment variables through which a platform Lambda finds its resources."""
    environment = {ENV_STAGE: stage, ENV_BUCKET: resource_name(stage, BUCKET),
                   ENV_SECRET_STORE: SSM_SECRET_STORE + secret_parameter_prefix(stage)}
    for table in TABLES:
        environment[ENV_TABLES[table]] = resource_name(stage, table.logical_name)
    return environment
