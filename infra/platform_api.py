"""API Gateway: /api/{proxy+} (control API: IAM auth and an API key) and /hooks/{proxy+} (webhooks).

Requests API Gateway refuses (no signature, no key, throttled) get the same JSON error body the
control API returns itself: {"error": {"code", "message"}}.
"""

import json

from aws_cdk import RemovalPolicy
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.acknowledgments import accept
from statemill import platform

THROTTLE = apigateway.ThrottleSettings(rate_limit=50, burst_limit=100)
QUOTA = apigateway.QuotaSettings(limit=100_000, period=apigateway.Period.DAY)
GATEWAY_ERRORS = {
    apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN: (
        "unauthenticated", "sign the request (SigV4) and check the path: /api/… or /hooks/…"),
    apigateway.ResponseType.ACCESS_DENIED: ("forbidden", "the caller may not invoke this API"),
    apigateway.ResponseType.INVALID_SIGNATURE: ("unauthenticated", "the request signature does not match"),
    apigateway.ResponseType.EXPIRED_TOKEN: ("unauthenticated", "the credentials have expired"),
    apigateway.ResponseType.INVALID_API_KEY: ("forbidden", "send a valid API key in x-api-key"),
    apigateway.ResponseType.THROTTLED: ("throttled", "too many requests: slow down and retry"),
    apigateway.ResponseType.QUOTA_EXCEEDED: ("quota_exceeded", "the API key's daily quota is used up"),
    apigateway.ResponseType.BAD_REQUEST_BODY: ("bad_request", "the request body is not valid"),
}


class PlatformApi(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, stage: str, control_api: lambda_.IFunction,
                 webhook: lambda_.IFunction) -> None:
        super().__init__(scope, construct_id)
        access_logs = logs.LogGroup(self, "AccessLogs", retention=logs.RetentionDays.THREE_MONTHS,
                                    removal_policy=RemovalPolicy.DESTROY)
        self.api = apigateway.RestApi(
            self, "Api", rest_api_name=platform.resource_name(stage, "api"),
            cloud_watch_role=True,
            deploy_options=apigateway.StageOptions(
                stage_name=stage, tracing_enabled=True,
                throttling_rate_limit=THROTTLE.rate_limit, throttling_burst_limit=THROTTLE.burst_limit,
                logging_level=apigateway.MethodLoggingLevel.ERROR,
                access_log_destination=apigateway.LogGroupLogDestination(access_logs),
                access_log_format=apigateway.AccessLogFormat.json_with_standard_fields(
                    caller=True, http_method=True, ip=True, protocol=True, request_time=True,
                    resource_path=True, response_length=True, status=True, user=True)))
        for response_type, (code, message) in GATEWAY_ERRORS.items():
            self.api.add_gateway_response(
                f"{code}-{response_type.response_type}", type=response_type,
                templates={"application/json": json.dumps({"error": {"code": code, "message": message}})})
        validator = self.api.add_request_validator(
            "Validator", validate_request_body=True, validate_request_parameters=True)

        control = self.api.root.add_resource("api").add_resource("{proxy+}")
        control.add_method(
            "ANY", apigateway.LambdaIntegration(control_api),
            authorization_type=apigateway.AuthorizationType.IAM, api_key_required=True,
            request_validator=validator)
        self.api_key = self.api.add_api_key("ControlApiKey", api_key_name=platform.resource_name(stage, "control"))
        plan = self.api.add_usage_plan(
            "ControlPlan", name=platform.resource_name(stage, "control"), throttle=THROTTLE, quota=QUOTA)
        plan.add_api_key(self.api_key)
        plan.add_api_stage(stage=self.api.deployment_stage)

        hooks = self.api.root.add_resource("hooks").add_resource("{proxy+}")
        # The webhook function authenticates each delivery itself (per-workflow secret).
        hooks.add_method("POST", apigateway.LambdaIntegration(webhook), request_validator=validator)
        accept(self.api, "AwsSolutions-APIG3", "Throttling per stage and per API key bounds abuse; a WAF web "
               "ACL is left to each deployment's account policy.")
        accept(self.api, "AwsSolutions-APIG4", "/api is IAM-authorized with an API key; /hooks deliveries are "
               "authenticated by the webhook function's per-workflow secret.")
        accept(self.api, "AwsSolutions-COG4", "Callers are AWS principals (IAM SigV4) or webhook senders "
               "(signed deliveries), not Cognito users.")
        accept(self.api, "AwsSolutions-IAM4", "API Gateway's CloudWatch role uses the AWS-managed push-to-logs "
               "policy by design.",
               ("Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs",))
