"""What every page's frame shows: who is logged in, their roles, the unread count in the
header, and the CSRF token the page's forms carry."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.notifications import unread_count
from domain.roles import Role
from persistence.repositories.organisation import get_employee
from web.sessions import WebCaller


@dataclass(frozen=True)
class Person:
    nip: str | None
    name: str
    position: str
    roles: frozenset[Role]

    def has(self, role: str) -> bool:
        return Role(role) in self.roles


async def page_context(
    db: AsyncSession, caller: WebCaller, *, unread: int | None = None
) -> dict[str, Any]:
    """``unread`` when the page has already counted it (Beranda reads the notices)."""
    actor = caller.actor
    employee = await get_employee(db, actor.nip) if actor.nip else None
    person = Person(
        nip=actor.nip,
        name=employee.name if employee else actor.subject,
        position=employee.position if employee else "",
        roles=actor.roles,
    )
    return {
        "me": person,
        "csrf": caller.session.csrf_token,
        "unread": unread if unread is not None else await unread_count(db, actor),
    }
