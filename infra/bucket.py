"""The platform bucket: offloaded payloads (payloads/) and plugin artifacts (plugins/)."""

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.acknowledgments import accept
from statemill import platform

# Offloaded payloads are only read by the tasks of a running execution (Standard runs last at
# most a year); plugin artifacts are kept, pinned by sha256.
PAYLOAD_EXPIRATION = Duration.days(400)


class PlatformBucket(Construct):
    """Encrypted, versioned, TLS-only, never public."""

    def __init__(self, scope: Construct, construct_id: str, *, stage: str) -> None:
        super().__init__(scope, construct_id)
        self.bucket = s3.Bucket(
            self, "Bucket",
            bucket_name=platform.resource_name(stage, platform.BUCKET),
            encryption=s3.BucketEncryption.S3_MANAGED,
            versioned=True,
            enforce_ssl=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[
                s3.LifecycleRule(prefix=platform.PAYLOAD_PREFIX, expiration=PAYLOAD_EXPIRATION,
                                 noncurrent_version_expiration=Duration.days(1)),
            ],
            removal_policy=RemovalPolicy.RETAIN,
        )
        accept(self.bucket, "AwsSolutions-S1",
               "Objects are task payloads and plugin artifacts written only by platform roles; CloudTrail "
               "data events are the audit trail, access logs would add a second bucket per stage.")
