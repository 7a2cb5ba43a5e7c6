"""The Statemill platform as one CDK app: `cdk synth -c stage=dev` (see infra/app.py)."""
