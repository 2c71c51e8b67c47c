"""IR -> CDK constructs: the only package (with compiler/synth.py) that imports aws_cdk.

An `Application` flows in; `emit_application` walks its collections in dependency order
(tables, topics, functions, then everything that wires into a function) and calls the
emitter registered for each item's IR type in `EMITTERS`. Each emitter module owns one row
of DESIGN.md 3's mapping and grants IAM permissions next to the wiring it creates.
"""
