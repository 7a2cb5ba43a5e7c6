"""The platform's DynamoDB tables, built from statemill.platform (the local engine reads the same spec)."""

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from statemill import platform


class PlatformTables(Construct):
    """registry, data and idempotency: on-demand, encrypted, point-in-time recoverable."""

    def __init__(self, scope: Construct, construct_id: str, *, stage: str) -> None:
        super().__init__(scope, construct_id)
        self.by_name: dict[str, dynamodb.TableV2] = {}
        for spec in platform.TABLES:
            self.by_name[spec.logical_name] = dynamodb.TableV2(
                self, spec.logical_name.capitalize(),
                table_name=platform.resource_name(stage, spec.logical_name),
                partition_key=dynamodb.Attribute(name=spec.partition_key, type=dynamodb.AttributeType.STRING),
                sort_key=(dynamodb.Attribute(name=spec.sort_key, type=dynamodb.AttributeType.STRING)
                          if spec.sort_key else None),
                time_to_live_attribute=spec.ttl_attribute,
                billing=dynamodb.Billing.on_demand(),
                encryption=dynamodb.TableEncryptionV2.aws_managed_key(),
                point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                    point_in_time_recovery_enabled=True),
                # Workflows, versions and user data outlive a `cdk destroy`.
                removal_policy=RemovalPolicy.RETAIN,
            )

    @property
    def registry(self) -> dynamodb.TableV2:
        return self.by_name[platform.REGISTRY_TABLE.logical_name]

    @property
    def data(self) -> dynamodb.TableV2:
        return self.by_name[platform.DATA_TABLE.logical_name]

    @property
    def idempotency(self) -> dynamodb.TableV2:
        return self.by_name[platform.IDEMPOTENCY_TABLE.logical_name]
