"""The HTTP API: thin. Writes go to Temporal (start, update); reads come from the
PostgreSQL projections that activities keep."""
