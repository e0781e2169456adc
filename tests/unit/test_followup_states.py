"""The follow-up state machine (pure): every legal and illegal step, typed errors, their Danish text."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, date, datetime

import pytest

from bot.domain.errors import (
    AlreadyInState,
    CprRefused,
    DetailRequired,
    FollowUpClosed,
    NotAllowed,
    TextTooLong,
    TransitionError,
    UnknownState,
)
from bot.domain.states import (
    CLOSED_STATES,
    OPEN_STATES,
    TRANSITIONS,
    FollowUpState,
    check_text,
    check_transition,
    parse_state,
)
from bot.ui.texts import error_text
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
    assert set(TRANSITIONS[S.STARTET_FORLOEB]) == {S.I_JOB, S.I_UDDANNELSE, S.HVERKEN, S.AFBRUDT}
    for state in OPEN_STATES - {S.ANSAT, S.STARTET_FORLOEB}:
        assert {S.IKKE_INTERESSERET, S.TRUKKET} <= set(TRANSITIONS[state]), state
    # A no-show after a referral (or an interview date) is an outcome of its own, not an afslag.
    assert S.UDEBLEVET in TRANSITIONS[S.HENVIST] and S.UDEBLEVET in TRANSITIONS[S.SAMTALE]
    assert S.UDEBLEVET not in TRANSITIONS[S.ANSOEGT]
    closed = {S.AFVIST, S.AFSLAG, S.IKKE_INTERESSERET, S.TRUKKET, S.I_JOB_3_MDR, S.OPHOERT, S.UDEBLEVET}
    closed |= {S.AFBRUDT, S.I_JOB, S.I_UDDANNELSE, S.HVERKEN}
    assert closed == CLOSED_STATES
    assert [s.value for s in S] == [
        "foreslaaet", "godkendt", "afvist", "kontaktet", "ansoegt", "henvist", "samtale", "ansat",
        "afslag", "ikke_interesseret", "trukket", "i_job_3_mdr", "ophoert", "udeblevet",
        "startet_forloeb", "afbrudt", "i_job", "i_uddannelse", "hverken",
    ]


@pytest.mark.parametrize(("current", "target"), LEGAL, ids=[f"{a}->{b}" for a, b in LEGAL])
def test_every_legal_transition_is_accepted(current: FollowUpState, target: FollowUpState) -> None:
    check_transition(current, target, **EXTRAS)  # type: ignore[arg-type]


@pytest.mark.parametrize(("current", "target"), ILLEGAL, ids=[f"{a}->{b}" for a, b in ILLEGAL])
def test_every_illegal_transition_is_refused_in_danish(current: FollowUpState, target: FollowUpState) -> None:
    with pytest.raises(TransitionError) as err:
        check_transition(current, target, **EXTRAS)  # type: ignore[arg-type]
    msg = error_text(err.value)
    if current == target:
        assert isinstance(err.value, AlreadyInState) and err.value.state == current
        assert "allerede" in msg
    elif current in CLOSED_STATES:
        assert isinstance(err.value, FollowUpClosed) and err.value.state == current
        assert "afsluttet" in msg and current.label in msg
    else:
        assert isinstance(err.value, NotAllowed)
        assert (err.value.from_state, err.value.to_state) == (current, target)
        assert "kan ikke gå fra" in msg and "Mulige næste trin" in msg
        for allowed in TRANSITIONS[current]:
            assert allowed.label in msg  # the message names every allowed next state


def test_message_names_the_allowed_next_states() -> None:
    with pytest.raises(NotAllowed) as err:
        check_transition(S.GODKENDT, S.ANSAT, start_date=date(2027, 1, 1))
    assert error_text(err.value) == (
        "En opfølgning kan ikke gå fra 'Godkendt' til 'Ansat'. Mulige næste trin: Kontaktet (kontaktet), "
        "Ikke interesseret (ikke_interesseret), Trukket tilbage (trukket)."
    )


def test_required_fields() -> None:
    with pytest.raises(DetailRequired) as err:
        check_transition(S.FORESLAAET, S.AFVIST)
    assert err.value.to_state == S.AFVIST and "begrundelse" in error_text(err.value)
    with pytest.raises(DetailRequired) as err:
        check_transition(S.FORESLAAET, S.AFVIST, reason="   ")
    assert err.value.to_state == S.AFVIST and "begrundelse" in error_text(err.value)
    with pytest.raises(DetailRequired) as err:
        check_transition(S.ANSOEGT, S.SAMTALE)
    assert err.value.to_state == S.SAMTALE and "dato for jobsamtalen" in error_text(err.value)
    with pytest.raises(DetailRequired) as err:
        check_transition(S.SAMTALE, S.ANSAT)
    assert err.value.to_state == S.ANSAT and "startdato" in error_text(err.value)


def test_notes_refuse_cpr_and_overlong_text() -> None:
    with pytest.raises(CprRefused) as cpr:
        check_text("Ringede til 010190-1234 i dag")
    assert error_text(cpr.value) == CPR_REFUSAL
    with pytest.raises(TextTooLong) as long:
        check_text("x" * 501)
    assert long.value.max_chars == 500 and "højst have 500 tegn" in error_text(long.value)
    assert check_text("  Har  talt med   kandidaten ") == "Har talt med kandidaten"
    assert check_text("   ") is None


def test_labels_are_danish_and_states_parse_from_code_or_label() -> None:
    assert S.ANSOEGT.label == "Ansøgt"
    assert S.I_JOB_3_MDR.label == "I job efter 3 måneder"
    assert parse_state("Ansøgt") is S.ANSOEGT
    assert parse_state(" KONTAKTET ") is S.KONTAKTET
    with pytest.raises(UnknownState) as err:
        parse_state("hyret")
    assert err.value.value == "hyret"
    assert re.search(r"Gyldige: Godkendt \(godkendt\), Afvist \(afvist\)", error_text(err.value))
