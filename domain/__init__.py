"""Pure rules of ASN performance management (PP 30/2019, PermenPANRB 6/2022).

Nothing here does I/O or knows about Temporal, SQL or HTTP, so workflows can run it
deterministically and tests can check it exhaustively.
"""
