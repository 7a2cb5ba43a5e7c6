"""The functions that start executions for triggers: webhook (behind /hooks) and scheduled_start.

Both read the registry (workflows and their triggers) and start this stage's workflows; the
execution name comes from the delivery or the scheduled time, so a repeat starts nothing.
"""

from aws_cdk import ArnFormat, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.acknowledgments import accept
from infra.functions import SCHEDULED_START, WEBHOOK, PlatformFunction
from infra.tables import PlatformTables

# ARN prefix as cdk-nag names it in findings.
_STATES = "arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>"


class TriggerFunctions(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, stage: str, layer: lambda_.ILayerVersion,
                 tables: PlatformTables) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        workflows = stack.format_arn(service="states", resource="stateMachine",
                                     resource_name=f"statemill-{stage}-*",
                                     arn_format=ArnFormat.COLON_RESOURCE_NAME)
        webhook = PlatformFunction(self, "Webhook", stage=stage, spec=WEBHOOK, layer=layer)
        scheduled_start = PlatformFunction(self, "ScheduledStart", stage=stage, spec=SCHEDULED_START, layer=layer)
        self.webhook, self.scheduled_start = webhook.function, scheduled_start.function
        for function in (webhook, scheduled_start):
            tables.registry.grant_read_data(function.role)
            function.role.add_to_policy(iam.PolicyStatement(
                sid="StartWorkflows", actions=["states:StartExecution"], resources=[workflows]))
            accept(function.role, "AwsSolutions-IAM5", "Triggers start workflows created at `workflow apply` "
                   "time: matched by this stage's prefix.",
                   (f"Resource::{_STATES}:stateMachine:statemill-{stage}-*",))
