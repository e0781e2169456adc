"""The follow-up state machine (pure): every legal and every illegal step, Danish messages."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import pytest

from bot.domain.errors import TransitionError
from bot.domain.states import (
    CLOSED_STATES,
    OPEN_STATES,
    TRANSITIONS,
    FollowUpState,
    check_text,
    check_transition,
    parse_state,
)
from matching.texts import CPR_REFUSAL

S = FollowUpState
LEGAL = [(a, b) for a, nxt in TRANSITIONS.items() for b in nxt]
ILLEGAL = [(a, b) for a, b in itertools.product(S, S) if b not in TRANSITIONS[a]]
EXTRAS = {
    "reason": "Mangler truckcertifikat",
    "interview_at": datetime(2027, 1, 5, 10, tzinfo=UTC),
    "start_date": date(2027, 2, 1),
}


def test_the_pipeline_of_the_issue() -> None:
    assert set(TRANSITIONS[S.FORESLAAET]) >= {S.GODKENDT, S.AFVIST}
    assert S.KONTAKTET in TRANSITIONS[S.GODKENDT]
    assert set(TRANSITIONS[S.KONTAKTET]) >= {S.ANSOEGT, S.HENVIST}
    assert S.SAMTALE in TRANSITIONS[S.ANSOEGT] and S.SAMTALE in TRANSITIONS[S.HENVIST]
    assert set(TRANSITIONS[S.SAMTALE]) >= {S.ANSAT, S.AFSLAG}
    assert set(TRANSITIONS[S.ANSAT]) == {S.I_JOB_3_MDR, S.OPHOERT}
    for state in OPEN_STATES - {S.ANSAT}:
        assert {S.IKKE_INTERESSERET, S.TRUKKET} <= set(TRANSITIONS[state]), state
    # A no-show after a referral (or an interview date) is an outcome of its own, not an afslag.
    assert S.UDEBLEVET in TRANSITIONS[S.HENVIST] and S.UDEBLEVET in TRANSITIONS[S.SAMTALE]
    assert S.UDEBLEVET not in TRANSITIONS[S.ANSOEGT]
    closed = {S.AFVIST, S.AFSLAG, S.IKKE_INTERESSERET, S.TRUKKET, S.I_JOB_3_MDR, S.OPHOERT, S.UDEBLEVET}
    assert closed == CLOSED_STATES
    assert [s.value for s in S] == [
        "foreslaaet", "godkendt", "afvist", "kontaktet", "ansoegt", "henvist", "samtale", "ansat",
        "afslag", "ikke_interesseret", "trukket", "i_job_3_mdr", "ophoert", "udeblevet",
    ]


@pytest.mark.parametrize(("current", "target"), LEGAL, ids=[f"{a}->{b}" for a, b in LEGAL])
def test_every_legal_transition_is_accepted(current: FollowUpState, target: FollowUpState) -> None:
    check_transition(current, target, **EXTRAS)  # type: ignore[arg-type]


@pytest.mark.parametrize(("current", "target"), ILLEGAL, ids=[f"{a}->{b}" for a, b in ILLEGAL])
def test_every_illegal_transition_is_refused_in_danish(current: FollowUpState, target: FollowUpState) -> None:
    with pytest.raises(TransitionError) as err:
        check_transition(current, target, **EXTRAS)  # type: ignore[arg-type]
    msg = err.value.message
    if current == target:
        assert "allerede" in msg
    elif current in CLOSED_STATES:
        assert "afsluttet" in msg and current.label in msg
    else:
        assert "kan ikke gå fra" in msg and "Mulige næste trin" in msg
        for allowed in TRANSITIONS[current]:
            assert allowed.label in msg  # the message names every allowed next state


def test_message_names_the_allowed_next_states() -> None:
    with pytest.raises(TransitionError) as err:
        check_transition(S.GODKENDT, S.ANSAT, start_date=date(2027, 1, 1))
    assert err.value.message == (
        "En opfølgning kan ikke gå fra 'Godkendt' til 'Ansat'. Mulige næste trin: Kontaktet (kontaktet), "
        "Ikke interesseret (ikke_interesseret), Trukket tilbage (trukket)."
    )


def test_required_fields() -> None:
    with pytest.raises(TransitionError, match="begrundelse"):
        check_transition(S.FORESLAAET, S.AFVIST)
    with pytest.raises(TransitionError, match="begrundelse"):
        check_transition(S.FORESLAAET, S.AFVIST, reason="   ")
    with pytest.raises(TransitionError, match="dato for jobsamtalen"):
        check_transition(S.ANSOEGT, S.SAMTALE)
    with pytest.raises(TransitionError, match="startdato"):
        check_transition(S.SAMTALE, S.ANSAT)


def test_notes_refuse_cpr_and_overlong_text() -> None:
    with pytest.raises(TransitionError) as err:
        check_text("Ringede til 010190-1234 i dag")
    assert err.value.message == CPR_REFUSAL
    with pytest.raises(TransitionError, match="højst have 500 tegn"):
        check_text("x" * 501)
    assert check_text("  Har  talt med   kandidaten ") == "Har talt med kandidaten"
    assert check_text("   ") is None


def test_labels_are_danish_and_states_parse_from_code_or_label() -> None:
    assert S.ANSOEGT.label == "Ansøgt"
    assert S.I_JOB_3_MDR.label == "I job efter 3 måneder"
    assert parse_state("Ansøgt") is S.ANSOEGT
    assert parse_state(" KONTAKTET ") is S.KONTAKTET
    with pytest.raises(TransitionError, match=r"Gyldige: Godkendt \(godkendt\), Afvist \(afvist\)"):
        parse_state("hyret")
