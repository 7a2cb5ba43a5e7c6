"""Security-check findings accepted on purpose, each with its reason (cdk-nag 3 reads these)."""

from aws_cdk import Acknowledgment, Validations
from constructs import IConstruct


def accept(construct: IConstruct, rule: str, reason: str, findings: tuple[str, ...] = ()) -> None:
    """Accept `rule` (e.g. AwsSolutions-IAM5) on `construct` and its children, for each finding given."""
    ids = [f"{rule}[{finding}]" for finding in findings] or [rule]
    Validations.of(construct).acknowledge(*(Acknowledgment(id=rule_id, reason=reason) for rule_id in ids))
