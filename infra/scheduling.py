"""EventBridge Scheduler: the group holding workflows' cron schedules and the role they invoke with."""

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from constructs import Construct

from statemill import platform


class Scheduling(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, stage: str,
                 scheduled_start: lambda_.IFunction) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.group = scheduler.CfnScheduleGroup(
            self, "Group", name=platform.resource_name(stage, platform.SCHEDULE_GROUP))
        self.role = iam.Role(
            self, "Role", role_name=platform.resource_name(stage, platform.SCHEDULER_ROLE),
            assumed_by=iam.ServicePrincipal("scheduler.amazonaws.com", conditions={
                "StringEquals": {"aws:SourceAccount": stack.account}}),
            description="Statemill schedules: invoke scheduled_start")
        # Schedules invoke scheduled_start, which names the execution after the scheduled time.
        self.role.add_to_policy(iam.PolicyStatement(
            sid="InvokeScheduledStart", actions=["lambda:InvokeFunction"],
            resources=[scheduled_start.function_arn]))
