#!/bin/bash
# Runs inside the container once LocalStack is ready. The platform itself is created by
# `make localstack-deploy` (the same CDK app as on AWS), so nothing differs between targets;
# this hook only reports that the services the stack needs answer.
set -euo pipefail
for service in stepfunctions dynamodb s3 lambda scheduler apigateway; do
  awslocal "$service" help >/dev/null 2>&1 || { echo "statemill: $service is not available" >&2; exit 1; }
done
echo "statemill: LocalStack is ready; deploy the platform with: make localstack-deploy"
