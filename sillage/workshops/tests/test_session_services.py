"""The live session's rules: predictions, the perception gap, criteria and parking lot,
votes with their limit, anonymous feedback."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sillage.workshops import selectors, services
from sillage.workshops.models import FeedbackAnswer, IdeaStatus, Participant, Vote
from sillage.workshops.tests.factories import step

pytestmark = pytest.mark.django_db


def predict(team, user, counter, desk, app=50):
    cat = team.catalogue
    services.predictions_submit(
        workshop=team.workshop,
        user=user,
        entries=[
            {"touchpoint_id": cat.counter.pk, "score": counter,
             "appreciated": ["Accueil", "", "Rapidité"], "criticised": ["Attente"]},
            {"touchpoint_id": cat.desk.pk, "score": desk},
            {"touchpoint_id": cat.app.pk, "score": app},
        ],
    )  # fmt: skip


def idea(team, user, text="Appeler chaque client mécontent", **criteria):
    values = {"concrete": True, "immediate": True, "own_power": True, **criteria}
    return services.idea_submit(
        workshop=team.workshop, author=user, pillar="vouloir", text=text, **values
    )


def test_main_touchpoints_are_the_teams_most_answered_in_90_days(team):
    cat = team.catalogue
    assert list(team.workshop.touchpoints.order_by("code").values_list("code", flat=True)) == [
        "appli", "bureau", "comptoir"
    ]  # fmt: skip
    assert selectors.main_touchpoint_ids(team.workshop) == [cat.counter.pk, cat.desk.pk, cat.app.pk]


def test_reveal_shows_real_score_with_n_and_the_team_average_gap(team):
    step(team.workshop, "predict")
    predict(team, team.emile, counter=60, desk=20)
    predict(team, team.fanny, counter=40, desk=30)
    facts = {f.touchpoint.code: f for f in selectors.customer_facts(team.workshop)}
    counter = facts["comptoir"]
    assert counter.real.value == pytest.approx(12.5)
    assert counter.real.n == 8
    assert counter.team_prediction == 50
    assert counter.team_gap == pytest.approx(37.5)
    assert counter.predictors == 2
    assert counter.predicted_appreciated == [("Accueil", 2), ("Rapidité", 2)]
    assert [v.comment for v in counter.criticised] == [
        "Attente trop longue au comptoir",
        "Personne pour répondre à mes questions",
        "Erreur dans mon dossier, jamais rappelé",
    ]
    assert facts["bureau"].team_gap == pytest.approx(0)


def test_one_prediction_gives_no_team_average(team):
    """A "team average" of one person would show that person's gap to everyone."""
    step(team.workshop, "predict")
    predict(team, team.emile, counter=60, desk=20)
    facts = selectors.customer_facts(team.workshop)
    assert all(f.team_prediction is None and f.team_gap is None for f in facts)
    assert all(f.predicted_appreciated == [] for f in facts)


def test_own_gap_is_computed_for_that_person_only(team):
    step(team.workshop, "predict")
    predict(team, team.emile, counter=60, desk=20)
    predict(team, team.fanny, counter=40, desk=30)
    facts = selectors.customer_facts(team.workshop)
    gaps = {g.touchpoint.code: g.gap for g in selectors.own_gaps(team.workshop, team.fanny, facts)}
    assert gaps["comptoir"] == pytest.approx(27.5)
    assert selectors.own_gaps(team.workshop, team.gabriel, facts) == []


def test_predictions_are_refused_outside_the_predict_step(team):
    with pytest.raises(ValidationError):
        predict(team, team.emile, counter=60, desk=20)


def test_nps_prediction_out_of_range_is_refused(team):
    step(team.workshop, "predict")
    with pytest.raises(ValidationError):
        predict(team, team.emile, counter=160, desk=20)


def test_idea_failing_a_criterion_goes_to_the_parking_lot_with_its_reason(team):
    step(team.workshop, "ideas")
    kept = idea(team, team.emile)
    parked = idea(team, team.fanny, "Embaucher deux caissiers", own_power=False, note="Budget")
    assert kept.status == IdeaStatus.PROPOSED
    assert parked.status == IdeaStatus.PARKED
    assert parked.parked_reason() == (
        "Not met: Within the team's own power (no manager, no organisational decision) — Budget"
    )
    board = selectors.board(team.workshop)
    assert [r.idea.text for r in board.parked] == ["Embaucher deux caissiers"]
    assert [r.idea.text for r in board.by_pillar["vouloir"]] == ["Appeler chaque client mécontent"]


def test_recheck_moves_an_idea_to_and_from_the_parking_lot(team):
    step(team.workshop, "ideas")
    item = idea(team, team.emile)
    services.idea_recheck(idea=item, concrete=False, immediate=True, own_power=True)
    item.refresh_from_db()
    assert (item.status, item.parked_reason()) == (IdeaStatus.PARKED, "Not met: Concrete")
    services.idea_recheck(idea=item, concrete=True, immediate=True, own_power=True)
    item.refresh_from_db()
    assert item.status == IdeaStatus.PROPOSED


def test_each_participant_has_the_configured_number_of_votes(team):
    step(team.workshop, "ideas")
    ideas = [idea(team, team.emile, f"Idée {i}") for i in range(4)]
    step(team.workshop, "vote")
    for item in ideas[:3]:
        assert services.vote_toggle(workshop=team.workshop, idea=item, user=team.fanny) is True
    with pytest.raises(services.VoteRefused, match="You have used your 3 votes."):
        services.vote_toggle(workshop=team.workshop, idea=ideas[3], user=team.fanny)
    assert Vote.objects.filter(user=team.fanny).count() == 3
    # Taking one back frees a vote.
    assert services.vote_toggle(workshop=team.workshop, idea=ideas[0], user=team.fanny) is False
    assert services.vote_toggle(workshop=team.workshop, idea=ideas[3], user=team.fanny) is True
    assert services.vote_counts(team.workshop) == {ideas[1].pk: 1, ideas[2].pk: 1, ideas[3].pk: 1}


def test_the_database_refuses_two_votes_in_the_same_slot(team):
    """What a racing second request would do: the unique slot refuses it."""
    step(team.workshop, "ideas")
    first, second = idea(team, team.emile, "A"), idea(team, team.emile, "B")
    step(team.workshop, "vote")
    services.vote_toggle(workshop=team.workshop, idea=first, user=team.fanny)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(
            organization=team.workshop.organization,
            workshop=team.workshop,
            idea=second,
            user=team.fanny,
            slot=1,
        )


def test_parked_ideas_cannot_receive_votes(team):
    step(team.workshop, "ideas")
    parked = idea(team, team.emile, immediate=False)
    step(team.workshop, "vote")
    with pytest.raises(services.VoteRefused):
        services.vote_toggle(workshop=team.workshop, idea=parked, user=team.fanny)


def test_feedback_is_stored_without_the_person_and_only_once(team):
    step(team.workshop, "feedback")
    services.feedback_submit(
        workshop=team.workshop, user=team.emile, energising=5, engaging=4, concrete=3
    )
    with pytest.raises(ValidationError):
        services.feedback_submit(
            workshop=team.workshop, user=team.emile, energising=1, engaging=1, concrete=1
        )
    answer = FeedbackAnswer.objects.get()
    assert [f.name for f in FeedbackAnswer._meta.concrete_fields] == [
        "id", "organization", "workshop", "energising", "engaging", "concrete"
    ]  # fmt: skip
    assert (answer.energising, answer.engaging, answer.concrete) == (5, 4, 3)
    assert Participant.objects.get(user=team.emile).feedback_given is True


def test_feedback_is_shown_only_from_the_organisations_threshold(team, world):
    step(team.workshop, "feedback")
    for user in (team.emile, team.fanny, team.gabriel, world.branch_manager):
        services.feedback_submit(
            workshop=team.workshop, user=user, energising=4, engaging=4, concrete=5
        )
    hidden = selectors.feedback_result(team.workshop)
    assert (hidden.n, hidden.shown, hidden.energising) == (4, False, None)
    world.org.anonymity_threshold = 4
    world.org.save()
    team.workshop.organization.refresh_from_db()
    shown = selectors.feedback_result(team.workshop)
    assert (shown.shown, shown.energising, shown.concrete) == (True, 4.0, 5.0)


def test_every_write_bumps_the_version(team):
    before = team.workshop.version
    step(team.workshop, "predict")
    predict(team, team.emile, counter=60, desk=20)
    team.workshop.refresh_from_db()
    assert team.workshop.version == before + 3  # step, join, predictions


def test_a_closed_workshop_cannot_move(team):
    step(team.workshop, "closed")
    with pytest.raises(ValidationError):
        step(team.workshop, "ideas")
