"""Pulumi entry point (Pulumi.yaml runs this file): see mlopskit/program.py."""

from mlopskit.program import run

run()
