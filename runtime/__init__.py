"""Composition root: settings, worker assembly, the embedded dev stack and the CLI."""
