"""The differencing oracle: an attacker who tries to solve for small groups.

It is written independently of `sillage/pulse/suppression.py`: it knows nothing of blocks,
frontiers or tables. It takes every group a viewer was shown — each as the set of "atoms" it
sums over, an atom being the people of one unit × one tenure band × one wave — and asks, with
exact rational linear algebra, which other groups' sums follow from the shown sums by any
combination of additions and subtractions (parent minus children, filtered minus complement,
one wave minus another, anything). It assumes the viewer knows every count (participation
and the organisation chart tell a lot), so atoms nobody is in are known to be empty.

A group is "recovered" when its indicator vector lies in the span of the shown groups'
vectors. The oracle fails if any recovered group has between 1 and t − 1 people. The search
is exhaustive: a non-empty atom holds at least one person, so a small group is a set of fewer
than t atoms, and the oracle tries every such set.

Comments are texts: there the viewer can also intersect lists, so the recoverable groups are
the cells of the Boolean algebra the shown lists generate; each must be empty or reach the
comment threshold.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations

Atom = Hashable


@dataclass(frozen=True)
class Leak:
    group: frozenset
    people: int
    combination: dict[int, Fraction]  # shown group index -> coefficient

    def __str__(self) -> str:
        return f"{self.people} people recoverable: {sorted(map(str, self.group))}"


def _components(atoms: Sequence[Atom], shown: Sequence[frozenset]) -> list[list[Atom]]:
    parent = {a: a for a in atoms}

    def find(a: Atom) -> Atom:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for group in shown:
        members = [a for a in group if a in parent]
        for other in members[1:]:
            parent[find(other)] = find(members[0])
    components: dict[Atom, list[Atom]] = {}
    for a in atoms:
        components.setdefault(find(a), []).append(a)
    return list(components.values())


class Span:
    """Row space of 0/1 vectors over atoms, with exact arithmetic."""

    def __init__(self, atoms: Sequence[Atom], vectors: Sequence[frozenset]) -> None:
        self.atoms = list(atoms)
        self.index = {a: i for i, a in enumerate(self.atoms)}
        self.rows: list[tuple[int, list[Fraction], dict[int, Fraction]]] = []
        for number, vector in enumerate(vectors):
            self._add([Fraction(int(a in vector)) for a in self.atoms], {number: Fraction(1)})

    def _reduce(
        self, row: list[Fraction], how: dict[int, Fraction]
    ) -> tuple[list[Fraction], dict[int, Fraction]]:
        row, how = row[:], dict(how)
        for pivot, basis, basis_how in self.rows:
            factor = row[pivot]
            if factor:
                row = [x - factor * y for x, y in zip(row, basis, strict=True)]
                for key, value in basis_how.items():
                    how[key] = how.get(key, Fraction(0)) - factor * value
        return row, how

    def _add(self, row: list[Fraction], how: dict[int, Fraction]) -> None:
        row, how = self._reduce(row, how)
        pivot = next((i for i, x in enumerate(row) if x), None)
        if pivot is None:
            return
        scale = row[pivot]
        row = [x / scale for x in row]
        how = {k: v / scale for k, v in how.items()}
        # Keep earlier rows reduced on the new pivot, so reduction stays one pass.
        updated = []
        for old_pivot, basis, basis_how in self.rows:
            factor = basis[pivot]
            if factor:
                basis = [x - factor * y for x, y in zip(basis, row, strict=True)]
                basis_how = dict(basis_how)
                for key, value in how.items():
                    basis_how[key] = basis_how.get(key, Fraction(0)) - factor * value
            updated.append((old_pivot, basis, basis_how))
        self.rows = [*updated, (pivot, row, how)]

    def null_space(self) -> list[list[Fraction]]:
        """Vectors orthogonal to every shown group: a group is recovered iff it is orthogonal
        to all of them."""
        pivots = {pivot: row for pivot, row, _how in self.rows}
        basis = []
        for free in range(len(self.atoms)):
            if free in pivots:
                continue
            vector = [Fraction(0)] * len(self.atoms)
            vector[free] = Fraction(1)
            for pivot, row in pivots.items():
                vector[pivot] = -row[free]
            basis.append(vector)
        return basis

    def solve(self, group: Iterable[Atom]) -> dict[int, Fraction] | None:
        """The combination of shown groups that gives `group`, or None if there is none."""
        members = set(group)
        target = [Fraction(int(a in members)) for a in self.atoms]
        remainder, how = self._reduce(target, {})
        if any(remainder):
            return None
        return {k: -v for k, v in how.items() if v}


def find_leak(
    counts: Mapping[Atom, int], shown: Sequence[frozenset], threshold: int
) -> Leak | None:
    """A group of 1 to threshold − 1 people whose sum follows from the shown sums, if any."""
    atoms = [a for a, n in counts.items() if n > 0]
    shown = [frozenset(a for a in group if counts.get(a, 0) > 0) for group in shown]
    for component in _components(atoms, shown):
        inside = set(component)
        vectors = [g for g in shown if g & inside]
        span = Span(component, vectors)
        null = [[z[i] for i in range(len(component))] for z in span.null_space()]
        position = {a: i for i, a in enumerate(component)}
        # Complete: every atom holds at least one person, so a group of fewer than
        # `threshold` people is a set of fewer than `threshold` atoms: try them all.
        for size in range(1, min(len(component), threshold - 1) + 1):
            for group in combinations(component, size):
                people = sum(counts[a] for a in group)
                if not 0 < people < threshold:
                    continue
                if all(sum(z[position[a]] for a in group) == 0 for z in null):
                    combination = span.solve(group) or {}
                    return Leak(frozenset(group), people, combination)
    return None


def find_comment_leak(
    counts: Mapping[Atom, int], shown: Sequence[frozenset], threshold: int
) -> frozenset | None:
    """A cell of the Boolean algebra of the shown comment lists with 1 to threshold − 1 people."""
    cells: dict[tuple[bool, ...], set[Atom]] = {}
    for atom, n in counts.items():
        if n <= 0:
            continue
        signature = tuple(atom in group for group in shown)
        if any(signature):
            cells.setdefault(signature, set()).add(atom)
    for atoms in cells.values():
        people = sum(counts[a] for a in atoms)
        if 0 < people < threshold:
            return frozenset(atoms)
    return None
