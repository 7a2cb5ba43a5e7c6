"""PlatformStack: everything one stage of Statemill runs on, and the outputs the CLI reads."""

from pathlib import Path

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from infra.bucket import PlatformBucket
from infra.control_api import ControlApiFunction
from infra.platform_api import PlatformApi
from infra.runtime_layer import BUILT_LAYERS, RuntimeLayer
from infra.scheduling import Scheduling
from infra.tables import PlatformTables
from infra.task_functions import TaskFunctions
from infra.trigger_functions import TriggerFunctions
from infra.workflow_execution import WorkflowExecution
from statemill import platform


class PlatformStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, stage: str,
                 built_layers: Path = BUILT_LAYERS, **kwargs) -> None:
        super().__init__(scope, construct_id, description=f"Statemill platform, stage {stage}", **kwargs)
        layer = RuntimeLayer(self, "RuntimeLayer", built_layers=built_layers).layer
        tables = PlatformTables(self, "Tables", stage=stage)
        bucket = PlatformBucket(self, "Bucket", stage=stage).bucket
        tasks = TaskFunctions(self, "TaskFunctions", stage=stage, layer=layer, tables=tables, bucket=bucket)
        execution = WorkflowExecution(self, "WorkflowExecution", stage=stage, task_functions=tasks.functions)
        triggers = TriggerFunctions(self, "Triggers", stage=stage, layer=layer, tables=tables)
        scheduling = Scheduling(self, "Scheduling", stage=stage, scheduled_start=triggers.scheduled_start)
        control_api = ControlApiFunction(
            self, "ControlApi", stage=stage, layer=layer, tables=tables, states_role=execution.role,
            scheduler_role=scheduling.role,
            schedule_group=platform.resource_name(stage, platform.SCHEDULE_GROUP))
        api = PlatformApi(self, "Api", stage=stage, control_api=control_api.function, webhook=triggers.webhook)

        outputs = {
            "Stage": stage,
            "ApiUrl": api.api.url,
            "ControlApiKeyId": api.api_key.key_id,
            "RegistryTable": tables.registry.table_name,
            "Bucket": bucket.bucket_name,
            "StatesRoleArn": execution.role.role_arn,
            "StatesLogGroup": execution.log_group.log_group_name,
            "ScheduleGroup": scheduling.group.ref,
            "SchedulerRoleArn": scheduling.role.role_arn,
            "TaskRunnerArn": tasks.by_name[platform.TASK_RUNNER].function.function_arn,
        }
        for name, value in outputs.items():
            CfnOutput(self, f"Output{name}", key=name, value=value)
