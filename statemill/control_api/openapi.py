"""Print the control API's OpenAPI document: `python -m statemill.control_api.openapi > docs/openapi.json`."""

import json

from statemill.control_api.app import app

TITLE = "Statemill control API"
VERSION = "1"


def document() -> str:
    schema = json.loads(app.get_openapi_json_schema(
        title=TITLE, version=VERSION, servers=[{"url": "/api"}],
        description="statemill.control over REST. Every request is SigV4-signed (IAM) and carries an "
                    "API key (x-api-key); errors are {\"error\": {\"code\", \"message\", \"details\"}}."))
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    print(document(), end="")
