"""Local emulation on moto: the compiled application running on a laptop (DESIGN.md 6).

What flows through it: the synthesized template is deployed into moto's CloudFormation
(`deploy`), then what moto does not run is driven from the IR and the deployed resources:
the HTTP server (`http_server`), queue pollers (`queues`), DynamoDB stream readers
(`streams`) and the scheduler (`scheduler`). Each builds Lambda event JSON with the pure
`events` module and hands it to `invoker`, which calls the shim in-process with the
function's own environment. Before any step file is imported, `secrets` stores the local
secret values in moto and the shim reads them from there, as a cold start on AWS does.
`app.Emulator` starts and stops the whole; `testing` wraps it for pytest. Retries and dead-letter moves stay moto's SQS; nothing here re-implements them.
"""
