"""Sentence-level findings: officialese, passive voice, long sentences and the rest, with exact spans."""

from __future__ import annotations

import pytest

from analyzer import nl_lexicon as lex
from analyzer.findings import FINDING_LABELS, RARE_ZIPF, find_all, verb_of_noun
from analyzer.ingest.letters import clean_text, split_paragraphs
from analyzer.readability import analyze_document
from analyzer.syntax import LexiconSyntax, default_syntax

LONG = (
    "Het bezwaarschrift dient te zijn ondertekend en bevat ten minste de naam en het adres van de indiener, "
    "waarbij tevens een omschrijving van de beschikking waartegen het bezwaar is gericht moet worden gegeven."
)
LETTER = clean_text(
    "Geachte {{ naam }},\n\n"
    "Indien u het formulier niet tijdig retourneert, zijn wij derhalve genoodzaakt uw aanvraag middels "
    "een beschikking af te wijzen. De beschikking wordt door de gemeente verzonden.\n\n"
    "Heeft u vragen? Bel ons gerust.\n\nMet vriendelijke groet,\n[NAAM]"
)


def findings(text: str, kind: str | None = None) -> list:
    found = find_all(LexiconSyntax().analyze(text), text)
    return [f for f in found if kind is None or f.type == kind]


def test_officialese_with_plain_alternative():
    text = "Indien u het formulier retourneert, ontvangt u derhalve middels de post een bevestiging."
    found = {f.text.lower(): f for f in findings(text, "officialese")}
    assert {"indien", "retourneert", "derhalve", "middels"} <= set(found)
    assert found["indien"].extra["plain"] == ["als"]
    assert "terugsturen" in found["retourneert"].suggestion
    assert "'daarom / dus' in plaats van 'derhalve'" in found["derhalve"].suggestion
    assert found["middels"].extra["plain"][0] == "met"


def test_multiword_officialese_matches_inflected_verb():
    found = findings("U wordt hierbij in kennis gesteld van het besluit met betrekking tot uw aanvraag.", "officialese")
    texts = [f.text for f in found]
    assert "in kennis gesteld" in texts and "met betrekking tot" in texts


def test_officialese_lexicon_has_a_few_hundred_entries_with_source():
    assert len(lex.officialese()) >= 300
    header = (lex.DATA / "officialese.tsv").read_text(encoding="utf-8").splitlines()[:4]
    assert any("Direct Duidelijk" in line for line in header)
    assert all(entry.plain for entry in lex.officialese())


@pytest.mark.parametrize(
    "text",
    [
        "Dient u een bezwaar in? Doe dat dan binnen zes weken.",  # 'indienen', not 'dienen ... te'
        "Dit formulier dient als bewijs van inschrijving.",
        "Ik realiseer me dat dit vervelend voor u is.",
        "Informeer bij de balie naar de openingstijden.",
        "U kunt informeren of er nog plaats is.",
        "Het is niet bedoeld als straf.",
        "Uw uiterlijk moet op de foto goed te zien zijn.",
        "U kunt in beroep gaan bij de rechtbank.",
    ],
)
def test_officialese_needs_its_context(text):
    assert findings(text, "officialese") == []


@pytest.mark.parametrize(
    ("text", "span", "plain"),
    [
        ("U dient het bedrag binnen 14 dagen te betalen.", "dient", "moeten"),
        ("Wij informeren u graag over de nieuwe regels.", "informeren", "laten weten"),
        ("U wordt geacht het formulier terug te sturen.", "wordt geacht", "moeten"),
        ("Betaal uiterlijk 1 mei.", "uiterlijk", "op zijn laatst"),
        ("De in artikel 3 bedoelde kosten betaalt u zelf.", "bedoelde", "genoemde"),
        ("Wij hebben vastgesteld dat u te veel heeft ontvangen.", "vastgesteld dat", "zien dat"),
        ("U bent bevoegd om namens uw moeder te tekenen.", "bent bevoegd", "mogen"),
    ],
)
def test_officialese_in_context(text, span, plain):
    (found,) = findings(text, "officialese")
    assert (found.text, found.extra["plain"][0]) == (span, plain)


def test_plain_alternatives_are_not_flagged_themselves():
    circular = []
    for entry in lex.officialese():
        for alternative in entry.plain.split(" / "):
            flagged = findings(alternative, "officialese") + findings(alternative, "jargon")
            circular += [(" ".join(entry.words), alternative) for _ in flagged]
    assert circular == []


@pytest.mark.parametrize(
    ("text", "span", "agent"),
    [
        ("De brief wordt door de gemeente verzonden.", "wordt door de gemeente verzonden", "de gemeente"),
        ("Uw aanvraag is afgewezen.", "is afgewezen", ""),
        ("Wij weten dat de brief verzonden wordt.", "verzonden wordt", ""),
        (
            "Bij deze brief wordt u, volgens artikel 22 van de wet, in kennis gesteld van de waarde.",
            "wordt u, volgens artikel 22 van de wet, in kennis gesteld",
            "",
        ),
    ],
)
def test_passive_voice(text, span, agent):
    found = findings(text, "passive")
    assert [f.text for f in found] == [span]
    assert found[0].extra["agent"] == agent
    assert "Schrijf actief" in found[0].suggestion


@pytest.mark.parametrize(
    "text",
    [
        "U bent verhuisd.",
        "Wij sturen u een brief.",
        "U bent 18 jaar geworden.",
        "Wij hebben uw brief ontvangen.",
        "De vastgestelde waarde staat hieronder.",
    ],
)
def test_no_passive_in_active_or_perfect_sentences(text):
    assert findings(text, "passive") == []


@pytest.mark.parametrize(
    "text",
    [
        "Het bedrag is € 1.234,56.",  # a participle is a word
        "U bent verplicht dit te melden.",  # 'zijn' + a participle that names a state
        "De gemeente is gevestigd aan het Stadhuisplein 1.",
        "Het loket is op maandag gesloten.",
        "De termijn is ongebruikt verstreken.",  # 'ongebruikt' is an adjective
        "Het is een bekend probleem.",
    ],
)
def test_no_passive_for_a_state_or_a_non_word(text):
    for syntax in (LexiconSyntax(), default_syntax()):
        assert [f.text for f in find_all(syntax.analyze(text), text) if f.type == "passive"] == []


@pytest.mark.parametrize(
    ("text", "verb", "subject"),
    [
        ("U bent uitgenodigd voor een gesprek.", "uitnodigen", ""),
        ("Dat moet zo snel mogelijk uitgevoerd worden.", "uitvoeren", ""),
        ("Het bezwaar is gegrond verklaard.", "verklaren", ""),
        ("Uw aanvraag is door ons ontvangen.", "ontvangen", "wij"),
        ("De brief is door haar verstuurd.", "versturen", "zij"),
        ("Het loket wordt door de gemeente gesloten.", "sluiten", "de gemeente"),
    ],
)
def test_passive_advice_names_the_infinitive_and_a_subject_form(text, verb, subject):
    (found,) = [f for f in find_all(default_syntax().analyze(text), text) if f.type == "passive"]
    assert f"(werkwoord: '{verb}')" in found.suggestion
    who = f"maak '{subject}' het onderwerp" if subject else "bijvoorbeeld 'wij'"
    assert who in found.suggestion


def test_long_sentence_with_split_point():
    (found,) = findings(LONG, "long_sentence")
    assert found.start == 0 and found.end == len(LONG)
    assert found.extra["n_words"] == 33
    assert LONG[found.extra["split_at"] :].startswith("waarbij")
    assert "33 woorden" in found.suggestion and "'waarbij'" in found.suggestion
    assert findings("Dit is een korte zin.", "long_sentence") == []


def test_nominalisation_double_negative_and_preposition_chain():
    nominal = findings(
        "Het indienen van een aanvraag kan ook online. De betaling van de aanslag is gelukt.", "nominalisation"
    )
    assert [f.text for f in nominal] == ["Het indienen van", "betaling"]
    assert nominal[1].extra["verb"] == "betalen"
    double = findings("Het is niet onmogelijk dat u later betaalt.", "double_negative")
    assert [f.text for f in double] == ["niet onmogelijk"]
    chain = findings(
        "Het besluit op basis van de regels van de gemeente voor het jaar 2026 is klaar.", "preposition_chain"
    )
    assert len(chain) == 1 and chain[0].text.startswith("op basis van") and chain[0].extra["n_prepositions"] >= 3


def test_rare_and_technical_words_get_a_hint():
    found = findings("U betaalt invorderingsrente over het kalenderjaar, zie ommezijde.")
    by_text = {f.text: f for f in found}
    assert by_text["invorderingsrente"].type == "jargon"
    assert "te laat betaalt" in by_text["invorderingsrente"].suggestion
    assert by_text["ommezijde"].type == "rare_word"
    assert "kalenderjaar" not in by_text  # a compound of two frequent words is not rare
    assert verb_of_noun("verstrekking") == "verstrekken" and verb_of_noun("tafel") is None


@pytest.mark.parametrize(
    "word",
    ["bijlage", "watermeter", "aanmelding", "quarantaineperiode", "mailen", "voetgangers", "tarieven", "gemeentelijke"],
)
def test_compounds_of_common_words_and_inflected_forms_are_not_rare(word):
    assert lex.word_zipf(word, lex.lemma(word)) >= RARE_ZIPF


def test_a_compound_is_not_rarer_than_its_words_apart():
    joined = "U mag niet naar buiten tijdens de quarantaineperiode."
    apart = "U mag niet naar buiten tijdens de quarantaine periode."
    assert findings(joined, "rare_word") == findings(apart, "rare_word") == []
    assert lex.word_zipf("ommezijde") < RARE_ZIPF and lex.word_zipf("invorderingsrente") < RARE_ZIPF
    assert lex.base_forms("tarieven") >= {"tarief"} and "laag" in lex.base_forms("lage")


def test_spans_index_into_the_text_passed_in():
    result = analyze_document(LETTER, "brief.md")
    assert result["path"] == "brief.md" and result["findings"]
    for f in result["findings"]:
        assert LETTER[f["start"] : f["end"]] == f["text"]
        assert f["type"] in FINDING_LABELS and f["suggestion"]
    types = {f["type"] for f in result["findings"]}
    assert {"officialese", "passive", "jargon"} <= types


def test_verdict_reasons_per_letter_and_paragraph():
    result = analyze_document(LETTER)
    paragraphs = split_paragraphs(LETTER)
    assert [p["paragraph_no"] for p in result["paragraphs"]] == list(range(1, len(paragraphs) + 1))
    body = result["paragraphs"][1]
    assert body["b1_verdict"] == "boven B1"
    assert any("lijdende vorm" in r for r in body["b1_reasons"])
    assert any("ambtelijke woorden" in r for r in body["b1_reasons"])
    assert body["officialese"] >= 3 and body["jargon"] >= 2
    assert result["paragraphs"][2]["b1_verdict"] == "B1"
    assert result["paragraphs"][2]["b1_reasons"][0].startswith("Voldoet")
    assert result["b1_verdict"] in ("bijna B1", "boven B1") and result["b1_reasons"]


def test_plain_letter_is_b1():
    text = "Beste mevrouw,\n\nWij hebben uw brief gekregen. Wij bellen u binnen een week.\n\nMet vriendelijke groet,"
    result = analyze_document(text)
    assert result["b1_verdict"] == "B1"
    assert result["findings"] == []


def test_frames_for_the_store_and_frog_fallback(monkeypatch):
    from analyzer import b1
    from analyzer.syntax_frog import FrogSyntax

    monkeypatch.setattr(FrogSyntax, "available", staticmethod(lambda: False))
    results = b1.analyze_documents([LETTER], ["brief.md"], use_frog=True)
    assert results[0]["syntax"] in ("spacy", "lexicon") and "niet geïnstalleerd" in results[0]["syntax_note"]
    assert "frog" not in results[0]
    letters, paragraphs, found = b1.to_frames(results, ["brief"])
    assert list(letters["template_id"]) == ["brief"] and letters.loc[0, "b1_verdict"] == results[0]["b1_verdict"]
    assert len(paragraphs) == len(results[0]["paragraphs"])
    assert len(found) == len(results[0]["findings"]) and found["paragraph_no"].notna().all()


@pytest.mark.parametrize(
    "sentence",
    [
        # examples, a list going on, and the first part of a clause before its verb: no sentence to start there
        "De gegevens die wij voor de berekening van uw toeslag hebben gebruikt, zoals uw inkomen en uw huur, kunt u "
        "gratis opvragen via de website of bij de balie.",
        "Wilt u het formulier, de kopie van uw paspoort, uw laatste drie loonstroken en een afschrift van uw "
        "bankrekening voor 1 mei naar ons sturen?",
        "Als u het niet eens bent met de hoogte van het bedrag dat wij hebben berekend, kunt u binnen zes weken "
        "bezwaar maken bij de gemeente.",
    ],
)
def test_a_long_sentence_is_not_split_into_a_fragment(sentence: str) -> None:
    (found,) = findings(sentence, "long_sentence")
    assert found.extra["split_at"] is None and "nieuwe zin vanaf" not in found.suggestion


def test_a_long_sentence_splits_before_a_new_clause() -> None:
    sentence = (
        "U kunt het formulier invullen op de website van de gemeente, maar u kunt ook langskomen bij het "
        "stadsloket in het centrum van de stad."
    )
    (found,) = findings(sentence, "long_sentence")
    assert sentence[found.extra["split_at"] :].startswith("maar u kunt")
