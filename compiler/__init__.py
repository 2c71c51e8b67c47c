"""The compiler: step files -> application model (IR) -> CDK stack.

discover (files) -> load (StepDefinitions, import errors as diagnostics) -> validate
(pydantic config schema and project rules, every problem at once) -> build (frozen IR in
`compiler.ir`) -> emit (the only code that imports aws_cdk) -> synth (cloud assembly).
"""
