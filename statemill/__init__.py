"""Statemill: YAML workflows compiled to AWS Step Functions, run locally or on AWS."""

__version__ = "0.1.0"
