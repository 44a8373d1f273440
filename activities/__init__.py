"""Activities: the only code that touches PostgreSQL or starts workflows from outside.

Each activity is one transaction and idempotent, because Temporal runs activities at
least once: a retry must write nothing twice.
"""
