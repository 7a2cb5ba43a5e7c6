"""The platform stack, asserted by meaning: names from statemill.platform, least-privilege roles,
a TLS-only private bucket, an authenticated API, and zero unacknowledged cdk-nag findings."""

from aws_cdk.assertions import Capture, Match

from statemill import platform
from tests.infra.conftest import STAGE

TASK_FUNCTIONS = (platform.TASK_RUNNER, *platform.CODE_RUNNERS.values(), platform.PLUGIN_HOST)
SYNTH_BUDGET_SECONDS = 45


def _function_logical_ids(template) -> dict[str, str]:
    """platform function name -> the logical id of its AWS::Lambda::Function."""
    functions = template.find_resources("AWS::Lambda::Function")
    by_physical = {props["Properties"]["FunctionName"]: logical for logical, props in functions.items()}
    return {name: by_physical[platform.resource_name(STAGE, name)]
            for name in (*TASK_FUNCTIONS, platform.CONTROL_API, platform.WEBHOOK, platform.SCHEDULED_START)}


def _role_statements(template, role_logical_id: str) -> list[dict]:
    policies = template.find_resources("AWS::IAM::Policy", {"Properties": {"Roles": [{"Ref": role_logical_id}]}})
    roles = template.find_resources("AWS::IAM::Role")
    inline = roles[role_logical_id]["Properties"].get("Policies", [])
    assert "ManagedPolicyArns" not in roles[role_logical_id]["Properties"]
    return [statement for policy in [*policies.values()] for statement in policy["Properties"]["PolicyDocument"]
            ["Statement"]] + [s for p in inline for s in p["PolicyDocument"]["Statement"]]


def _actions(statements: list[dict]) -> set[str]:
    actions = set()
    for statement in statements:
        value = statement["Action"]
        actions.update([value] if isinstance(value, str) else value)
    return actions


def _function_role(template, function: str) -> str:
    logical = _function_logical_ids(template)[function]
    return template.find_resources("AWS::Lambda::Function")[logical]["Properties"]["Role"]["Fn::GetAtt"][0]


def test_synth_is_quick_enough(synthesized):
    assert synthesized.seconds < SYNTH_BUDGET_SECONDS


def test_cdk_nag_aws_solutions_has_no_unacknowledged_findings(synthesized):
    findings = {v["ruleName"]: [c["constructPath"] for c in v["violatingConstructs"]]
                for v in synthesized.nag_violations}
    assert findings == {}


def test_tables_come_from_the_platform_spec(template):
    for table in platform.TABLES:
        keys = [{"AttributeName": table.partition_key, "KeyType": "HASH"}]
        if table.sort_key:
            keys.append({"AttributeName": table.sort_key, "KeyType": "RANGE"})
        template.has_resource_properties("AWS::DynamoDB::GlobalTable", Match.object_like({
            "TableName": platform.resource_name(STAGE, table.logical_name),
            "KeySchema": keys,
            "BillingMode": "PAY_PER_REQUEST",
            "SSESpecification": {"SSEEnabled": True},
            "Replicas": [Match.object_like({"PointInTimeRecoverySpecification": {
                "PointInTimeRecoveryEnabled": True}})],
            **({"TimeToLiveSpecification": {"AttributeName": table.ttl_attribute, "Enabled": True}}
               if table.ttl_attribute else {}),
        }))


def test_bucket_is_encrypted_versioned_and_private(template):
    template.has_resource_properties("AWS::S3::Bucket", {
        "BucketName": platform.resource_name(STAGE, platform.BUCKET),
        "BucketEncryption": {"ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
        "VersioningConfiguration": {"Status": "Enabled"},
        "PublicAccessBlockConfiguration": {"BlockPublicAcls": True, "BlockPublicPolicy": True,
                                           "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
        "LifecycleConfiguration": Match.any_value(),
        "OwnershipControls": Match.any_value(),
    })


def test_bucket_policy_denies_requests_without_tls(template):
    template.has_resource_properties("AWS::S3::BucketPolicy", {"PolicyDocument": {"Statement": Match.array_with([
        Match.object_like({"Effect": "Deny", "Action": "s3:*", "Principal": {"AWS": "*"},
                           "Condition": {"Bool": {"aws:SecureTransport": "false"}}})])}})


def test_functions_are_named_by_the_platform_and_find_their_resources(template):
    for function in _function_logical_ids(template):
        template.has_resource_properties("AWS::Lambda::Function", Match.object_like({
            "FunctionName": platform.resource_name(STAGE, function),
            "Handler": "handler.handler",
            "Layers": [Match.any_value()],
            "Environment": {"Variables": Match.object_like(platform.platform_environment(STAGE))},
        }))


def test_code_runners_may_only_write_their_logs(template):
    for runner in platform.CODE_RUNNERS.values():
        statements = _role_statements(template, _function_role(template, runner))
        assert _actions(statements) == {"logs:CreateLogStream", "logs:PutLogEvents"}, runner
        template.has_resource_properties("AWS::Lambda::Function", Match.object_like({
            "FunctionName": platform.resource_name(STAGE, runner), "TracingConfig": Match.absent()}))


def test_task_runner_reaches_its_tables_and_payloads_only(template):
    statements = _role_statements(template, _function_role(template, platform.TASK_RUNNER))
    services = {action.split(":")[0] for action in _actions(statements)}
    assert services == {"logs", "xray", "dynamodb", "s3", "ssm"}
    s3_statement = next(s for s in statements if s.get("Sid") == "OffloadPayloads")
    assert s3_statement["Action"] == ["s3:GetObject", "s3:PutObject"]
    assert s3_statement["Resource"]["Fn::Join"][1][-1] == f"/{platform.PAYLOAD_PREFIX}*"
    ssm_statement = next(s for s in statements if s.get("Sid") == "ReadSecrets")
    assert ssm_statement["Resource"]["Fn::Join"][1][-1].endswith(
        f":parameter{platform.secret_parameter_prefix(STAGE)}/*")
    tables = {r for s in statements if s["Action"][0].startswith("dynamodb") for r in _resources(s)}
    logical = {props["Properties"]["TableName"]: name
               for name, props in template.find_resources("AWS::DynamoDB::GlobalTable").items()}
    assert tables == {logical[platform.resource_name(STAGE, t.logical_name)]
                      for t in (platform.DATA_TABLE, platform.REGISTRY_TABLE)}


def test_plugin_host_reads_artifacts_registry_payloads_and_secrets_only(template):
    statements = _role_statements(template, _function_role(template, platform.PLUGIN_HOST))
    assert {action.split(":")[0] for action in _actions(statements)} == {"logs", "xray", "dynamodb", "s3", "ssm"}
    artifacts = next(s for s in statements if s.get("Sid") == "ReadPluginArtifacts")
    assert artifacts["Action"] == "s3:GetObject"
    assert artifacts["Resource"]["Fn::Join"][1][-1] == f"/{platform.PLUGIN_PREFIX}*"
    dynamodb = {a for s in statements for a in _actions([s]) if a.startswith("dynamodb")}
    assert dynamodb and not dynamodb & {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"}


def _resources(statement: dict) -> set[str]:
    resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
    return {r["Fn::GetAtt"][0] for r in resources if isinstance(r, dict) and "Fn::GetAtt" in r}


def test_states_role_invokes_exactly_the_platform_task_functions(template):
    roles = template.find_resources("AWS::IAM::Role", {"Properties": {
        "RoleName": platform.resource_name(STAGE, platform.STATES_ROLE)}})
    (role,) = roles
    statements = _role_statements(template, role)
    invoke = [s for s in statements if "lambda:InvokeFunction" in _actions([s])]
    assert len(invoke) == 1 and invoke[0]["Action"] == "lambda:InvokeFunction"
    functions = _function_logical_ids(template)
    assert invoke[0]["Resource"] == [{"Fn::GetAtt": [functions[name], "Arn"]} for name in TASK_FUNCTIONS]
    template.has_resource_properties("AWS::IAM::Role", Match.object_like({
        "RoleName": platform.resource_name(STAGE, platform.STATES_ROLE),
        "AssumeRolePolicyDocument": {"Statement": [Match.object_like({
            "Principal": {"Service": "states.amazonaws.com"}})], "Version": Match.any_value()}}))


def test_workflows_log_group_is_the_one_apply_names(template):
    template.has_resource_properties("AWS::Logs::LogGroup", {
        "LogGroupName": platform.states_log_group_name(STAGE), "RetentionInDays": Match.any_value()})


def test_control_api_is_signed_keyed_and_throttled(template):
    path_part = Capture()
    template.has_resource_properties("AWS::ApiGateway::Resource", {"PathPart": "api", "ParentId": Match.any_value(),
                                                                   "RestApiId": Match.any_value()})
    template.has_resource_properties("AWS::ApiGateway::Method", Match.object_like({
        "HttpMethod": "ANY", "AuthorizationType": "AWS_IAM", "ApiKeyRequired": True,
        "ResourceId": {"Ref": path_part}}))
    proxy = template.find_resources("AWS::ApiGateway::Resource")[path_part.as_string()]
    assert proxy["Properties"]["PathPart"] == "{proxy+}"
    template.has_resource_properties("AWS::ApiGateway::UsagePlan", Match.object_like({
        "Throttle": {"RateLimit": Match.any_value(), "BurstLimit": Match.any_value()},
        "Quota": Match.object_like({"Period": "DAY"})}))
    template.has_resource_properties("AWS::ApiGateway::UsagePlanKey", {"KeyType": "API_KEY",
                                                                       "KeyId": Match.any_value(),
                                                                       "UsagePlanId": Match.any_value()})
    template.has_resource_properties("AWS::ApiGateway::Stage", Match.object_like({
        "StageName": STAGE, "TracingEnabled": True, "AccessLogSetting": Match.any_value()}))


def test_refusals_by_api_gateway_are_json_errors(template):
    body = Capture()
    template.has_resource_properties("AWS::ApiGateway::GatewayResponse", {
        "ResponseType": "MISSING_AUTHENTICATION_TOKEN", "RestApiId": Match.any_value(),
        "ResponseTemplates": {"application/json": body}})
    assert '"code": "unauthenticated"' in body.as_string()


def test_webhooks_reach_the_webhook_function_without_iam(template):
    functions = _function_logical_ids(template)
    template.has_resource_properties("AWS::ApiGateway::Method", Match.object_like({
        "HttpMethod": "POST", "AuthorizationType": "NONE",
        "Integration": Match.object_like({"Uri": {"Fn::Join": ["", Match.array_with([
            {"Fn::GetAtt": [functions[platform.WEBHOOK], "Arn"]}])]}})}))


def test_schedules_group_and_role_invoke_scheduled_start_only(template):
    template.has_resource_properties("AWS::Scheduler::ScheduleGroup", {
        "Name": platform.resource_name(STAGE, platform.SCHEDULE_GROUP)})
    roles = template.find_resources("AWS::IAM::Role", {"Properties": {
        "RoleName": platform.resource_name(STAGE, platform.SCHEDULER_ROLE)}})
    (role,) = roles
    statements = _role_statements(template, role)
    assert _actions(statements) == {"lambda:InvokeFunction"}
    assert {r for s in statements for r in _resources(s)} == {
        _function_logical_ids(template)[platform.SCHEDULED_START]}


def test_outputs_the_cli_reads(template):
    for name in ("Stage", "ApiUrl", "ControlApiKeyId", "RegistryTable", "Bucket", "StatesRoleArn",
                 "StatesLogGroup", "ScheduleGroup", "SchedulerRoleArn"):
        assert template.find_outputs(name), name
