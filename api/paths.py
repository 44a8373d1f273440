"""The path segments routes share, checked before any lookup: a malformed NIP or period
is a 422 naming the segment, never a query. The patterns are the domain's own where it
has one, so the edge and the rule cannot drift apart."""

from typing import Annotated

from fastapi import Path

from domain.deadlines import DEADLINE_KEY_PATTERN
from domain.nip import NIP_PATTERN
from domain.schedule import PERIOD_ID_PATTERN

CODE_PATTERN = r"^[A-Za-z0-9._-]{1,40}$"  # agency and unit codes as the roster spells them

Nip = Annotated[str, Path(pattern=NIP_PATTERN, description="18-digit NIP")]
PeriodId = Annotated[str, Path(pattern=PERIOD_ID_PATTERN)]
UnitCode = Annotated[str, Path(pattern=CODE_PATTERN)]
DeadlineKey = Annotated[str, Path(pattern=DEADLINE_KEY_PATTERN)]
