"""Who owns a case, and who is next when it is escalated.

The chain of a unit: the manager of the unit itself, then of each unit above it up to the
root (the nearest first), then the organisation's CX leads and administrators. A case goes to
the first person of its unit's chain; escalation moves to the next person after the one
currently responsible.
"""

from __future__ import annotations

from sillage.accounts.models import Membership, Role, Unit

LEAD_ROLES = (Role.CX_LEAD, Role.ADMIN)


class Router:
    """Chains computed once per unit (a listener batch touches few units many times)."""

    def __init__(self, organization_id: int) -> None:
        self.organization_id = organization_id
        self._chains: dict[int, list[int]] = {}
        self._leads: list[int] | None = None

    def leads(self) -> list[int]:
        if self._leads is None:
            rows = (
                Membership.objects.active()
                .filter(organization_id=self.organization_id, role__in=LEAD_ROLES)
                .values_list("user_id", "role")
                .order_by("pk")
            )
            ordered = sorted(rows, key=lambda r: LEAD_ROLES.index(r[1]))
            self._leads = [user_id for user_id, _role in ordered]
        return self._leads

    def chain(self, unit: Unit) -> list[int]:
        if unit.pk in self._chains:
            return self._chains[unit.pk]
        paths = unit.ancestor_paths()
        managers = (
            Membership.objects.active()
            .filter(organization_id=self.organization_id, role=Role.MANAGER, unit__path__in=paths)
            .values_list("user_id", "unit__path")
            .order_by("pk")
        )
        by_path: dict[str, list[int]] = {}
        for user_id, path in managers:
            by_path.setdefault(path, []).append(user_id)
        chain: list[int] = []
        for path in reversed(paths):  # the unit itself first, then upwards
            for user_id in by_path.get(path, []):
                if user_id not in chain:
                    chain.append(user_id)
        for user_id in self.leads():
            if user_id not in chain:
                chain.append(user_id)
        self._chains[unit.pk] = chain
        return chain

    def owner_for(self, unit: Unit) -> int | None:
        chain = self.chain(unit)
        return chain[0] if chain else None

    def next_after(self, unit: Unit, current: int | None) -> int | None:
        """The next person up from `current`; None at the top of the chain. Someone who is
        not in the chain (an executive who took the case) escalates to the CX lead."""
        chain = self.chain(unit)
        if current in chain:
            index = chain.index(current)
            return chain[index + 1] if index + 1 < len(chain) else None
        leads = [u for u in self.leads() if u != current]
        return leads[0] if leads else None
