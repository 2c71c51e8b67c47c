"""The compiler: step files -> application model (IR) -> CDK stack.

discover (files) -> load (StepDefinitions, import errors as diagnostics) -> parse (pydantic
config schema) -> resolve (sizing, queue settings, cron, names: decided once per step) ->
validate (step and project rules, every problem at once) -> build (frozen IR in `compiler.ir`,
steps without errors only) -> emit (the only code that imports aws_cdk) -> synth (cloud assembly).
"""
