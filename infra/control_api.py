"""The control API's function: what `statemill.control` does, as a role.

It deploys workflows (state machines of this stage, passing them the states role), starts and
stops their executions, answers approvals, reads the registry and the task functions' logs.
"""

from aws_cdk import ArnFormat, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.acknowledgments import accept
from infra.functions import CONTROL_API, PlatformFunction
from infra.tables import PlatformTables

# ARN prefixes as cdk-nag names them in findings.
_STATES = "arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>"
_SCHEDULER = "arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>"
_LOGS = "arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>"


class ControlApiFunction(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, stage: str, layer: lambda_.ILayerVersion,
                 tables: PlatformTables, states_role: iam.IRole, scheduler_role: iam.IRole,
                 schedule_group: str) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        platform_function = PlatformFunction(self, "Function", stage=stage, spec=CONTROL_API, layer=layer)
        self.function = platform_function.function
        role = platform_function.role
        tables.registry.grant_read_write_data(role)
        prefix = f"statemill-{stage}-*"

        def states_arn(resource: str) -> str:
            return stack.format_arn(service="states", resource=resource, resource_name=prefix,
                                    arn_format=ArnFormat.COLON_RESOURCE_NAME)

        role.add_to_policy(iam.PolicyStatement(
            sid="ManageWorkflows", resources=[states_arn("stateMachine")], actions=[
                "states:CreateStateMachine", "states:UpdateStateMachine", "states:DeleteStateMachine",
                "states:DescribeStateMachine", "states:PublishStateMachineVersion",
                "states:CreateStateMachineAlias", "states:UpdateStateMachineAlias",
                "states:DescribeStateMachineAlias", "states:ListStateMachineVersions",
                "states:StartExecution", "states:ListExecutions", "states:TagResource"]))
        role.add_to_policy(iam.PolicyStatement(
            sid="ManageExecutions", resources=[states_arn("execution")], actions=[
                "states:DescribeExecution", "states:DescribeStateMachineForExecution",
                "states:GetExecutionHistory", "states:StopExecution", "states:RedriveExecution"]))
        # Task tokens carry no resource ARN: callbacks are only grantable on "*".
        role.add_to_policy(iam.PolicyStatement(
            sid="AnswerApprovals", resources=["*"],
            actions=["states:SendTaskSuccess", "states:SendTaskFailure"]))
        role.add_to_policy(iam.PolicyStatement(
            sid="PassStatesRole", actions=["iam:PassRole"], resources=[states_role.role_arn],
            conditions={"StringEquals": {"iam:PassedToService": "states.amazonaws.com"}}))
        # `workflow apply` keeps each workflow's cron schedules in step with its triggers.
        role.add_to_policy(iam.PolicyStatement(
            sid="ManageSchedules", resources=[stack.format_arn(
                service="scheduler", resource="schedule", resource_name=f"{schedule_group}/*",
                arn_format=ArnFormat.SLASH_RESOURCE_NAME)], actions=[
                "scheduler:CreateSchedule", "scheduler:UpdateSchedule", "scheduler:DeleteSchedule",
                "scheduler:GetSchedule"]))
        role.add_to_policy(iam.PolicyStatement(
            sid="PassSchedulerRole", actions=["iam:PassRole"], resources=[scheduler_role.role_arn],
            conditions={"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}}))
        role.add_to_policy(iam.PolicyStatement(
            sid="ReadTaskLogs", actions=["logs:FilterLogEvents"],
            resources=[stack.format_arn(service="logs", resource="log-group",
                                        resource_name=f"/aws/lambda/{prefix}",
                                        arn_format=ArnFormat.COLON_RESOURCE_NAME)]))
        accept(role, "AwsSolutions-IAM5",
               "Workflows are created at `workflow apply` time, so state machines, executions and log groups "
               "are matched by this stage's name prefix; SendTaskSuccess/Failure take a task token, not a resource.",
               (f"Resource::{_STATES}:stateMachine:{prefix}", f"Resource::{_STATES}:execution:{prefix}",
                f"Resource::{_LOGS}:log-group:/aws/lambda/{prefix}", "Resource::*",
                f"Resource::{_SCHEDULER}:schedule/{schedule_group}/*"))
