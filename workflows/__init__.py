"""Temporal workflows: the durable per-employee appraisal and the per-period cycle.

Workflow code imports only ``domain``, ``temporalio`` and the payload contracts here; all
I/O happens in activities, which are called by name.
"""
