"""Lambda entry point of the control_api function (API Gateway's /api/{proxy+})."""

from statemill.control_api.app import handle as handler

__all__ = ["handler"]
