"""The anonymity rules on small, named organisations (the oracle covers random ones)."""

from sillage.pulse.suppression import Tree, protect_groups, publish

BANDS = ("lt1", "1to5", "gt5")


def counts(**units: int) -> dict[str, dict[str, int]]:
    return {unit: {"1to5": n} for unit, n in units.items()}


def test_a_group_under_the_threshold_is_never_shown():
    parents = {"team": None}
    assert (
        publish(parents, counts(team=4), threshold=5, comment_threshold=10, bands=BANDS).shown
        == set()
    )
    assert publish(
        parents, counts(team=5), threshold=5, comment_threshold=10, bands=BANDS
    ).shown == {"team"}


def test_branch_manager_alone_in_the_branch_hides_the_smallest_team():
    """Branch 1 manager + teams of 6 and 9: branch − teams would expose the manager."""
    parents = {"branch": None, "small": "branch", "large": "branch"}
    result = publish(
        parents, counts(branch=1, small=6, large=9), threshold=5, comment_threshold=10, bands=BANDS
    )
    assert result.shown == {"branch", "large"}


def test_a_hidden_team_next_to_a_shown_one_hides_the_next_smallest_sibling():
    parents = {"branch": None, "a": "branch", "b": "branch", "c": "branch"}
    result = publish(parents, counts(a=3, b=6, c=8), threshold=5, comment_threshold=10, bands=BANDS)
    # a (3) is too small; b (6), the next smallest, is hidden with it: a + b = 9 people.
    assert result.shown == {"branch", "c"}


def test_suppression_repeats_until_no_hidden_group_can_be_recovered():
    """Region − branch_x = hidden teams of 1 + 1 people: hiding the smallest branch is not
    enough when the region minus the remaining one is still small; it goes on."""
    parents = {"region": None, "x": "region", "y": "region", "t1": "x", "t2": "x", "t3": "x"}
    data = counts(region=1, y=5, t1=6, t2=1, t3=7)
    result = publish(parents, data, threshold=5, comment_threshold=10, bands=BANDS)
    assert result.shown == {"region", "x", "t3"}
    # What is left for anyone to compute: region − x = 1 + 5 (y's block with the region's own
    # person) and x − t3 = 6 + 1: both at least 5.


def test_hidden_parent_does_not_protect_its_children_from_the_grandparent():
    parents = {"top": None, "mid": "top", "a": "mid", "b": "mid"}
    tree = Tree.build(parents)
    shown = protect_groups(tree, {"top": 0, "mid": 2, "a": 5, "b": 6}, threshold=5)
    # top (13) − a − b = mid's own 2 people: one of the teams must go.
    assert shown == {"top", "mid", "b"}


def test_filter_needs_the_group_and_its_complement_to_reach_the_threshold():
    parents = {"team": None}
    data = {"team": {"lt1": 5, "1to5": 4, "gt5": 0}}
    result = publish(parents, data, threshold=5, comment_threshold=10, bands=BANDS)
    assert result.shown == {"team"}
    assert not result.band_shown("team", "lt1")  # its complement is 4
    data = {"team": {"lt1": 5, "1to5": 6, "gt5": 0}}
    result = publish(parents, data, threshold=5, comment_threshold=10, bands=BANDS)
    assert result.band_shown("team", "lt1") and result.band_shown("team", "1to5")
    assert not result.band_shown("team", "gt5")  # nobody: nothing to show


def test_filter_is_withdrawn_where_a_shown_child_would_isolate_a_few_people():
    """Branch filtered by tenure, its team shown unfiltered, and the team holds all the
    branch's newcomers but one: newcomers of the branch − the team's total gives one person."""
    parents = {"branch": None, "team": "branch"}
    data = {"branch": {"lt1": 1, "gt5": 9}, "team": {"lt1": 5}}
    result = publish(parents, data, threshold=5, comment_threshold=10, bands=BANDS)
    assert result.shown == {"branch", "team"}
    assert "branch" not in result.filtered


def test_comments_need_their_own_larger_threshold_and_frontier():
    parents = {"branch": None, "team": "branch"}
    result = publish(
        parents, counts(branch=5, team=10), threshold=5, comment_threshold=10, bands=BANDS
    )
    assert result.shown == {"branch", "team"}
    # The branch's comments minus the team's would be 5 people's, fewer than 10: one list.
    assert result.comments == {"branch"}


def test_comment_threshold_is_never_below_the_anonymity_threshold():
    result = publish({"t": None}, counts(t=6), threshold=6, comment_threshold=3, bands=BANDS)
    assert result.comment_threshold == 6
