"""The functions workflows invoke: task_runner (built-in tasks), plugin_host and the code runners.

task_runner gets the data and registry tables (core/db.*, core/approval) and the payloads in the
bucket; plugin_host reads plugin artifacts and their registry rows, and payloads. Both read the
stage's secrets. Code runners run user code: logs only.
"""

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.acknowledgments import accept
from infra.functions import TASK_FUNCTIONS, PlatformFunction
from infra.tables import PlatformTables
from statemill import platform


class TaskFunctions(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, stage: str, layer: lambda_.ILayerVersion,
                 tables: PlatformTables, bucket: s3.IBucket) -> None:
        super().__init__(scope, construct_id)
        self.by_name = {spec.name: PlatformFunction(self, spec.name, stage=stage, spec=spec, layer=layer)
                        for spec in TASK_FUNCTIONS}
        task_runner = self.by_name[platform.TASK_RUNNER].function
        tables.data.grant_read_write_data(task_runner)
        tables.registry.grant_read_write_data(task_runner)  # core/approval parks its task token there
        task_runner.add_to_role_policy(iam.PolicyStatement(
            sid="OffloadPayloads", actions=["s3:GetObject", "s3:PutObject"],
            resources=[bucket.arn_for_objects(f"{platform.PAYLOAD_PREFIX}*")]))
        # Secrets are SecureString parameters under the stage's prefix (statemill secret set).
        secrets = Stack.of(self).format_arn(
            service="ssm", resource="parameter",
            resource_name=f"{platform.secret_parameter_prefix(stage).lstrip('/')}/*")
        task_runner.add_to_role_policy(iam.PolicyStatement(
            sid="ReadSecrets", actions=["ssm:GetParameter", "ssm:GetParameters"], resources=[secrets]))
        payloads_and_secrets = (f"Resource::<{_logical_id(bucket)}.Arn>/{platform.PAYLOAD_PREFIX}*",
                                (f"Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:parameter"
                                 f"{platform.secret_parameter_prefix(stage)}/*"))
        accept(self.by_name[platform.TASK_RUNNER].role, "AwsSolutions-IAM5",
               "Payload keys and secret names are made at run time: granted on the payloads/ prefix and "
               "the stage's secret prefix only.", payloads_and_secrets)
        # plugin_host: pinned artifacts (read only: installs go through the control API), their
        # registry rows, payloads it dereferences or offloads, and secrets for plugin config.
        plugin_host = self.by_name[platform.PLUGIN_HOST].function
        tables.registry.grant_read_data(plugin_host)
        plugin_host.add_to_role_policy(iam.PolicyStatement(
            sid="ReadPluginArtifacts", actions=["s3:GetObject"],
            resources=[bucket.arn_for_objects(f"{platform.PLUGIN_PREFIX}*")]))
        plugin_host.add_to_role_policy(iam.PolicyStatement(
            sid="OffloadPayloads", actions=["s3:GetObject", "s3:PutObject"],
            resources=[bucket.arn_for_objects(f"{platform.PAYLOAD_PREFIX}*")]))
        plugin_host.add_to_role_policy(iam.PolicyStatement(
            sid="ReadSecrets", actions=["ssm:GetParameter", "ssm:GetParameters"], resources=[secrets]))
        accept(self.by_name[platform.PLUGIN_HOST].role, "AwsSolutions-IAM5",
               "Artifact and payload keys and secret names are made at run time: granted on the plugins/ "
               "and payloads/ prefixes and the stage's secret prefix only.",
               (f"Resource::<{_logical_id(bucket)}.Arn>/{platform.PLUGIN_PREFIX}*", *payloads_and_secrets))

    @property
    def functions(self) -> list[lambda_.IFunction]:
        return [construct.function for construct in self.by_name.values()]


def _logical_id(bucket: s3.IBucket) -> str:
    """The bucket's logical id, as cdk-nag names it in findings."""
    return Stack.of(bucket).resolve(bucket.node.default_child.logical_id)
