"""Segregation of duties (pemisahan tugas): whoever approves, rates, decides or intervenes
on an appraisal must be independent of the person appraised.

- nobody acts on their own appraisal in any role other than pegawai (an HR admin does not
  extend their own deadline, a tim penilai does not rate or interview themselves);
- nobody rates, decides or intervenes for someone above them in their own chain (a tim
  penilai does not rate their own supervisor; HR, who stands in for the regional head,
  does not rate the head of their own agency);
- HR does not appoint themselves pejabat penilai of anyone.

Checked against the actor's superiors as the organisation had them when the command was
sent (``Actor.superiors``). Each refusal says which rule (HTTP 403).
"""

from domain.appraisal import Actor, AppraisalState, require

OWN_APPRAISAL = (
    "Pemisahan tugas: Anda tidak dapat bertindak atas penilaian Anda sendiri "
    "selain sebagai pegawai yang dinilai"
)
OWN_SUPERIOR = (
    "Pemisahan tugas: Anda tidak dapat menilai, memutus, atau mengubah penilaian "
    "atasan Anda sendiri"
)
SELF_APPOINTED = "Pemisahan tugas: Anda tidak dapat menunjuk diri sendiri sebagai pejabat penilai"


def require_independent(state: AppraisalState, actor: Actor) -> None:
    """The actor is neither the person appraised nor below them in the chain."""
    require(not state.is_employee(actor), OWN_APPRAISAL)
    require(not actor.is_below(state.nip), OWN_SUPERIOR)


def require_not_self_appointed(actor: Actor, new_supervisor_nip: str | None) -> None:
    require(actor.nip is None or actor.nip != new_supervisor_nip, SELF_APPOINTED)


def require_independent_of_all(actor: Actor, nips: list[str]) -> None:
    """For a decision over many appraisals at once (a unit's override): the actor is
    none of them and below none of them."""
    require(actor.nip not in nips, OWN_APPRAISAL)
    require(not any(actor.is_below(nip) for nip in nips), OWN_SUPERIOR)
