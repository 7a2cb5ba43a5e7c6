"""Platform Lambda functions, each from its folder in functions/ with a role that can only log.

Whatever else a function may do is granted by the construct that owns the resource, so each
role holds exactly what its function needs (code runners keep logs only: user code runs there).
"""

from dataclasses import dataclass
from pathlib import Path

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.acknowledgments import accept
from infra.runtime_layer import REPOSITORY, RUNTIME
from statemill import platform

FUNCTIONS_FOLDER = REPOSITORY / "functions"
LOG_RETENTION = logs.RetentionDays.ONE_MONTH


@dataclass(frozen=True)
class FunctionSpec:
    name: str  # the statemill.platform name: task_runner, control_api…
    timeout: Duration
    memory_mb: int = 512
    # X-Ray needs xray:Put* on the role: never on code runners, whose role stays logs-only.
    traced: bool = True


TASK_FUNCTIONS = (
    FunctionSpec(platform.TASK_RUNNER, Duration.minutes(5)),
    # Code tasks get 300 s (statemill.runtime.settings) plus time to start and report.
    *(FunctionSpec(name, Duration.seconds(320), memory_mb=1024, traced=False)
      for name in platform.CODE_RUNNERS.values()),
    FunctionSpec(platform.PLUGIN_HOST, Duration.minutes(5)),
)
# API Gateway gives up after 29 s.
CONTROL_API = FunctionSpec(platform.CONTROL_API, Duration.seconds(29))
WEBHOOK = FunctionSpec(platform.WEBHOOK, Duration.seconds(29))
SCHEDULED_START = FunctionSpec(platform.SCHEDULED_START, Duration.seconds(60))


class PlatformFunction(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, stage: str, spec: FunctionSpec,
                 layer: lambda_.ILayerVersion, functions_folder: Path = FUNCTIONS_FOLDER) -> None:
        super().__init__(scope, construct_id)
        name = platform.resource_name(stage, spec.name)
        self.log_group = logs.LogGroup(self, "Logs", log_group_name=f"/aws/lambda/{name}",
                                       retention=LOG_RETENTION, removal_policy=RemovalPolicy.DESTROY)
        # An explicit role, not AWSLambdaBasicExecutionRole: it may write to this log group only.
        self.role = iam.Role(self, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
                             description=f"{name}: writes its own logs; more only where granted")
        self.log_group.grant_write(self.role)
        self.function = lambda_.Function(
            self, "Function",
            function_name=name,
            code=lambda_.Code.from_asset(str(functions_folder / spec.name)),
            handler="handler.handler",
            runtime=RUNTIME,
            architecture=lambda_.Architecture.X86_64,
            layers=[layer],
            role=self.role,
            log_group=self.log_group,
            logging_format=lambda_.LoggingFormat.JSON,
            timeout=spec.timeout,
            memory_size=spec.memory_mb,
            tracing=lambda_.Tracing.ACTIVE if spec.traced else lambda_.Tracing.DISABLED,
            environment={**platform.platform_environment(stage),
                         "POWERTOOLS_SERVICE_NAME": f"statemill-{spec.name}"},
        )
        if spec.traced:
            accept(self.role, "AwsSolutions-IAM5", "X-Ray's PutTraceSegments and PutTelemetryRecords "
                   "have no resource-level permissions.", ("Resource::*",))
