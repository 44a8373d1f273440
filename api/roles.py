"""Role requirements, declared in a route's signature so that none can be forgotten:
``actor: HrWriter`` refuses (403) a caller without the role before the handler runs,
before anything is looked up and before the body is validated (so a caller without the
role learns nothing of what would be accepted). The roles are the roster's
(``api.deps.current_actor``).

Where the refusal has to wait for a lookup (a caller who may not even see an appraisal
is answered 404, not 403), the requirement is still declared in the signature, on the
commander (``api.commands.HrCommander``), which checks it at that point."""

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends

from api.deps import CurrentActor
from api.guards import WritingActor
from api.problems import Problem
from domain.appraisal import Actor
from domain.roles import Role

NOT_YOUR_ROLE = "Peran Anda tidak mengizinkan tindakan ini"
ActorDependency = Callable[[Actor], Awaitable[Actor]]


def require_role(actor: Actor, *roles: Role) -> None:
    if not any(actor.has(role) for role in roles):
        raise Problem("forbidden", NOT_YOUR_ROLE)


def caller_with(*roles: Role) -> ActorDependency:
    """The caller of a read, refused unless they hold one of ``roles``."""

    async def caller(actor: CurrentActor) -> Actor:
        require_role(actor, *roles)
        return actor

    return caller


def writer_with(*roles: Role) -> ActorDependency:
    """The caller of a write (counted against their write limit first, as every write
    is), refused unless they hold one of ``roles``."""

    async def writer(actor: WritingActor) -> Actor:
        require_role(actor, *roles)
        return actor

    return writer


HrWriter = Annotated[Actor, Depends(writer_with(Role.HR_ADMIN))]
HrOrTimPenilaiWriter = Annotated[Actor, Depends(writer_with(Role.HR_ADMIN, Role.TIM_PENILAI))]
HrReader = Annotated[Actor, Depends(caller_with(Role.HR_ADMIN))]
HrOrAuditor = Annotated[Actor, Depends(caller_with(Role.HR_ADMIN, Role.AUDITOR))]
HrAuditorOrTimPenilai = Annotated[
    Actor, Depends(caller_with(Role.HR_ADMIN, Role.AUDITOR, Role.TIM_PENILAI))
]
