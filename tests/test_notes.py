"""The subject of a call note (analyzer.notes): what stays, what goes."""

from __future__ import annotations

from analyzer.notes import caller_turns, subject_text


def test_shorthand_note_keeps_its_subject_and_drops_filler() -> None:
    assert subject_text("mevr belt ivm brief WOZ, snapt waarde niet. uitgelegd, kl tevreden") == "brief woz waarde"


def test_placeholders_and_numbers_go() -> None:
    out = subject_text("[NAAM] belt over aanslag rioolheffing, BSN [BSN], zaak M26-497519")
    assert out == "aanslag rioolheffing zaak"


def test_transcript_keeps_the_callers_turns() -> None:
    note = (
        "Klant: Goedemiddag, ik wil bezwaar maken tegen die WOZ-waarde. "
        "Medewerker: Mag ik uw burgerservicenummer? Klant: [BSN]. "
        "Medewerker: Dat kan via het digitale bezwaarformulier."
    )
    assert caller_turns(note) is not None
    out = subject_text(note)
    assert "bezwaar" in out and "woz-waarde" in out
    assert "burgerservicenummer" not in out and "bezwaarformulier" not in out


def test_transcript_with_an_empty_caller_falls_back_to_the_whole_note() -> None:
    note = "Klant: Hallo. Medewerker: U belt over de parkeervergunning voor uw tweede auto."
    assert "parkeervergunning" in subject_text(note)


def test_not_a_transcript() -> None:
    assert caller_turns("kl belt: wil afspraak paspoort") is None


def test_all_filler_still_gives_words_and_empty_stays_empty() -> None:
    assert subject_text("kl belt, uitgelegd") == "kl belt uitgelegd"
    assert subject_text("") == ""
    assert subject_text("!!! ...") == ""


def test_label_filler_stays_in_the_embedded_subject() -> None:
    # Light verbs are left out of topic labels (analyzer.text_nl.LABEL_FILLER), not out of what is embedded.
    assert subject_text("mevr belt: bedrag staat niet in de brief, krijg eigenlijk niks terug") == (
        "bedrag staat brief krijg eigenlijk niks"
    )
