"""The web application: server-rendered pages in Bahasa Indonesia (English on request) for
the people who do their year in a browser. A sibling of ``api``: it calls the same service
layer (access checks, the commander, read helpers), so a rule or a refusal is written once
and shown twice."""
