"""The control API: statemill.control's operations over REST, behind API Gateway's /api."""
