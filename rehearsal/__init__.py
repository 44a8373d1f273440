"""The organisation and its actors, for everything that rehearses Kinerja without real
people: ``kinerja simulate``, ``bench/``, the drills and the tests.

One module per job: :mod:`organisation` (generated regencies and NIPs), :mod:`skp` (a
plausible SKP), :mod:`behaviour` (the seeded behaviour model), :mod:`memory` (in-memory
activities under the real names), :mod:`temporal_driver` (actors speaking to the
workflows through the Temporal client), :mod:`http_driver` (actors speaking to the API),
:mod:`time_skipping` (what the time-skipping test server needs) and :mod:`summary`
(what a rehearsed year tells HR).

It may use the domain and the workflows' names and types, never the API, the
activities, persistence or the runtime (import-linter holds it to that): the runtime
composes it, not the other way round.
"""
