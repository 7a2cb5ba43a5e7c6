"""What the workflows' state machines run with: one IAM role and one log group.

`statemill workflow apply` creates the state machines (not CDK), naming this role and log
group through statemill.platform.
"""

from aws_cdk import ArnFormat, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.acknowledgments import accept
from statemill import platform

# ARN prefixes as cdk-nag names them in findings.
_ARN = "arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>"


class WorkflowExecution(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, stage: str,
                 task_functions: list[lambda_.IFunction]) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.log_group = logs.LogGroup(
            self, "Logs", log_group_name=platform.states_log_group_name(stage),
            retention=logs.RetentionDays.THREE_MONTHS, removal_policy=RemovalPolicy.DESTROY)
        self.role = iam.Role(
            self, "Role", role_name=platform.resource_name(stage, platform.STATES_ROLE),
            assumed_by=iam.ServicePrincipal("states.amazonaws.com", conditions={
                "StringEquals": {"aws:SourceAccount": stack.account}}),
            description="Statemill workflows: invoke the platform's task functions, start subflows, log, trace")
        # Exactly the platform's task functions, unqualified: the compiler emits their plain ARNs.
        self.role.add_to_policy(iam.PolicyStatement(
            sid="InvokeTaskFunctions", actions=["lambda:InvokeFunction"],
            resources=[function.function_arn for function in task_functions]))
        workflows = stack.format_arn(service="states", resource="stateMachine",
                                     resource_name=f"statemill-{stage}-*",
                                     arn_format=ArnFormat.COLON_RESOURCE_NAME)
        executions = stack.format_arn(service="states", resource="execution",
                                      resource_name=f"statemill-{stage}-*", arn_format=ArnFormat.COLON_RESOURCE_NAME)
        # core/subflow: states:startExecution.sync:2 on another workflow of this stage.
        self.role.add_to_policy(iam.PolicyStatement(
            sid="StartSubflows", actions=["states:StartExecution"], resources=[workflows]))
        self.role.add_to_policy(iam.PolicyStatement(
            sid="FollowSubflows", actions=["states:DescribeExecution", "states:StopExecution"],
            resources=[executions]))
        self.role.add_to_policy(iam.PolicyStatement(
            sid="SubflowCompletionRule",
            actions=["events:PutTargets", "events:PutRule", "events:DescribeRule"],
            resources=[stack.format_arn(
                service="events", resource="rule",
                resource_name="StepFunctionsGetEventsForStepFunctionsExecutionRule")]))
        # Log delivery and X-Ray actions have no resource-level permissions.
        self.role.add_to_policy(iam.PolicyStatement(
            sid="DeliverLogs", resources=["*"], actions=[
                "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery",
                "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy",
                "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"]))
        self.role.add_to_policy(iam.PolicyStatement(
            sid="Trace", resources=["*"], actions=[
                "xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules",
                "xray:GetSamplingTargets"]))
        accept(self.role, "AwsSolutions-IAM5",
               "Workflows of this stage are created at `workflow apply` time, so subflows are matched by "
               "the stage's name prefix; log delivery and X-Ray actions have no resource-level permissions.",
               (f"Resource::{_ARN}:stateMachine:statemill-{stage}-*",
                f"Resource::{_ARN}:execution:statemill-{stage}-*", "Resource::*"))

