"""The CDK app entry (`python -m cdk_app`), shared by `cdk synth` and `motia synth`."""
