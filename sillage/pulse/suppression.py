"""Which groups of a wave may be shown: the anonymity rules, as pure functions over counts.

The viewer is assumed to know every count (how many people answered in each unit and each
tenure band: participation and the organisation chart tell a lot); what must stay secret is
the answers of any group smaller than the threshold `t`. An answer is a number, and every
published figure is a sum over a group, so the question is which group sums the published
sums determine by addition and subtraction.

1. Unit groups (a unit and its subtree). A group under `t` is never shown (primary rule). A
   published unit minus its published descendants leaves a "block" of people (its direct
   members and those of its hidden descendants) whose sum anyone can compute; a block must be
   empty or hold at least `t` people. When it does not, the smallest published descendant on
   its frontier is hidden too (complementary suppression) and the check repeats; the pass
   runs from the leaves up, so hiding never reopens a lower block. For such nested groups the
   blocks are exactly the smallest recoverable groups, so the rule is complete, not a heuristic.

2. Tenure filter. A filtered group and its complement must both reach `t` (an empty band is
   simply not shown). Across units, the filtered sums and the unit blocks form, under each
   filtered unit, a table: rows are the blocks it owns, columns the bands, with known row
   totals (blocks) and known column totals (the band, minus the filtered units below). The
   smallest group such a table gives away is, for some set of bands B, the people outside B in
   the blocks that have someone in B (`_table_leaks`); each must be empty or reach `t`, or the
   filter is withdrawn from that unit (and its rows join the filtered unit above).

3. Comments are texts, not sums: a viewer can take the set difference of two lists. Comments
   are shown for a group of at least `c` people (`c` ≥ `t`) whose block, among the groups
   with comments shown, is empty or holds at least `c` people.

The test `test_differencing_oracle.py` checks all of this against an independent solver that
tries every combination of the groups a viewer can see.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

Parents = Mapping[int, int | None]


@dataclass(frozen=True)
class Tree:
    """A forest of units given by their parents, with children lists and a leaves-first order."""

    parent: dict[int, int | None]
    children: dict[int, list[int]]
    depth: dict[int, int]
    post_order: list[int]  # every unit after all of its descendants

    @classmethod
    def build(cls, parent: Parents) -> Tree:
        children: dict[int, list[int]] = {unit: [] for unit in parent}
        roots = []
        for unit, up in sorted(parent.items()):
            if up is None or up not in parent:
                roots.append(unit)
            else:
                children[up].append(unit)
        depth: dict[int, int] = {}
        order: list[int] = []
        stack = [(root, 0, False) for root in reversed(roots)]
        while stack:
            unit, level, expanded = stack.pop()
            if expanded:
                order.append(unit)
                continue
            depth[unit] = level
            stack.append((unit, level, True))
            stack.extend((child, level + 1, False) for child in reversed(children[unit]))
        return cls(dict(parent), children, depth, order)

    def subtree_totals(self, direct: Mapping[int, int]) -> dict[int, int]:
        totals: dict[int, int] = {}
        for unit in self.post_order:
            totals[unit] = direct.get(unit, 0) + sum(totals[c] for c in self.children[unit])
        return totals

    def frontier(self, unit: int, shown: set[int]) -> list[int]:
        """The shown descendants of `unit` reached without crossing another shown unit."""
        found, stack = [], list(self.children[unit])
        while stack:
            below = stack.pop()
            if below in shown:
                found.append(below)
            else:
                stack.extend(self.children[below])
        return found


def protect_groups(
    tree: Tree, direct: Mapping[int, int], threshold: int, eligible: Iterable[int] | None = None
) -> set[int]:
    """The units whose subtree sums may be shown (rule 1), among `eligible` ones."""
    totals = tree.subtree_totals(direct)
    candidates = set(tree.parent) if eligible is None else set(eligible)
    shown = {unit for unit in candidates if totals[unit] >= threshold}
    for unit in tree.post_order:
        if unit not in shown:
            continue
        while True:
            frontier = tree.frontier(unit, shown)
            block = totals[unit] - sum(totals[below] for below in frontier)
            if block == 0 or block >= threshold:
                break
            # The frontier cannot be empty here: then the block would be the whole group.
            smallest = min(frontier, key=lambda u: (totals[u], -tree.depth[u], u))
            shown.discard(smallest)
    return shown


def blocks(tree: Tree, direct: Mapping[int, int], shown: set[int]) -> dict[int, int]:
    """Each shown unit's block: its people not inside a shown descendant."""
    totals = tree.subtree_totals(direct)
    return {
        unit: totals[unit] - sum(totals[below] for below in tree.frontier(unit, shown))
        for unit in shown
    }


def band_is_publishable(size: int, total: int, threshold: int) -> bool:
    """A filtered group and its complement both reach the threshold."""
    return size >= threshold and total - size >= threshold


def protect_filter(
    tree: Tree,
    direct_bands: Mapping[int, Mapping[str, int]],
    shown: set[int],
    threshold: int,
    bands: Sequence[str],
) -> set[int]:
    """The shown units at which the tenure filter may be applied (rule 2)."""
    band_totals = _band_totals(tree, direct_bands, bands)
    totals = {unit: sum(counts.values()) for unit, counts in band_totals.items()}
    filtered = {
        unit
        for unit in shown
        if all(
            band_totals[unit][b] == 0
            or band_is_publishable(band_totals[unit][b], totals[unit], threshold)
            for b in bands
        )
    }
    block_bands = _block_bands(tree, direct_bands, shown, bands)
    for unit in tree.post_order:
        if unit not in filtered:
            continue
        rows = [block_bands[row] for row in _owned_blocks(tree, unit, shown, filtered)]
        if _table_leaks(rows, bands, threshold):
            filtered.discard(unit)
    return filtered


def _band_totals(
    tree: Tree, direct_bands: Mapping[int, Mapping[str, int]], bands: Sequence[str]
) -> dict[int, dict[str, int]]:
    totals: dict[int, dict[str, int]] = {}
    for unit in tree.post_order:
        own = direct_bands.get(unit, {})
        totals[unit] = {
            b: own.get(b, 0) + sum(totals[c][b] for c in tree.children[unit]) for b in bands
        }
    return totals


def _block_bands(
    tree: Tree,
    direct_bands: Mapping[int, Mapping[str, int]],
    shown: set[int],
    bands: Sequence[str],
) -> dict[int, dict[str, int]]:
    """Each shown unit's block, split by band."""
    result: dict[int, dict[str, int]] = {}
    for unit in shown:
        counts = {b: direct_bands.get(unit, {}).get(b, 0) for b in bands}
        stack = list(tree.children[unit])
        while stack:
            below = stack.pop()
            if below in shown:
                continue
            for b in bands:
                counts[b] += direct_bands.get(below, {}).get(b, 0)
            stack.extend(tree.children[below])
        result[unit] = counts
    return result


def _owned_blocks(tree: Tree, unit: int, shown: set[int], filtered: set[int]) -> list[int]:
    """The shown units whose nearest filtered ancestor-or-self is `unit`."""
    owned, stack = [unit], list(tree.children[unit])
    while stack:
        below = stack.pop()
        if below in filtered:
            continue
        if below in shown:
            owned.append(below)
        stack.extend(tree.children[below])
    return owned


def _table_leaks(rows: Sequence[Mapping[str, int]], bands: Sequence[str], threshold: int) -> bool:
    """Does a table with known row and column totals give away a group under the threshold?

    With known row sums r_i and column sums c_j, the sums a viewer can compute are those of
    x_ij = a_i + b_j taking values 0 or 1 on the non-empty cells; the smallest such groups are,
    for a set of columns B, the cells outside B in the rows that have someone in B.
    """
    for size in range(1, len(bands)):
        for chosen in combinations(bands, size):
            leaked = sum(
                row[b]
                for row in rows
                if any(row[c] for c in chosen)
                for b in bands
                if b not in chosen
            )
            if 0 < leaked < threshold:
                return True
    return any(0 < sum(row.values()) < threshold for row in rows)


@dataclass
class Publication:
    """What may be shown of one wave, computed once from the counts of the frozen tree."""

    tree: Tree
    threshold: int
    comment_threshold: int
    totals: dict[int, int]
    band_totals: dict[int, dict[str, int]]
    shown: set[int]
    filtered: set[int]
    comments: set[int]
    bands: tuple[str, ...] = field(default_factory=tuple)

    def band_shown(self, unit: int, band: str) -> bool:
        return unit in self.filtered and band_is_publishable(
            self.band_totals[unit][band], self.totals[unit], self.threshold
        )


def publish(
    parent: Parents,
    direct_bands: Mapping[int, Mapping[str, int]],
    *,
    threshold: int,
    comment_threshold: int,
    bands: Sequence[str],
) -> Publication:
    """Apply rules 1–3 to one wave: `direct_bands[unit][band]` = respondents in that unit."""
    if threshold < 3:
        raise ValueError("The anonymity threshold is at least 3.")
    comment_threshold = max(comment_threshold, threshold)
    tree = Tree.build(parent)
    direct = {unit: sum(counts.values()) for unit, counts in direct_bands.items()}
    shown = protect_groups(tree, direct, threshold)
    filtered = protect_filter(tree, direct_bands, shown, threshold, bands)
    totals = tree.subtree_totals(direct)
    comments = protect_groups(
        tree, direct, comment_threshold, eligible=[u for u in shown if totals[u] >= threshold]
    )
    return Publication(
        tree=tree,
        threshold=threshold,
        comment_threshold=comment_threshold,
        totals=totals,
        band_totals=_band_totals(tree, direct_bands, bands),
        shown=shown,
        filtered=filtered,
        comments=comments,
        bands=tuple(bands),
    )
