"""Golden values for the Dutch readability metrics, sentence splitting and the syntax interface."""

from __future__ import annotations

import pytest

from analyzer import readability as rd
from analyzer.nlp import DEFAULT_MODEL_PATH
from analyzer.readability import analyze_document
from analyzer.syntax import LexiconSyntax, Sentence, SyntaxAnalyzer, Token, split_sentences
from analyzer.syntax_frog import FrogSyntax
from analyzer.syntax_spacy import SpacySyntax

requires_model = pytest.mark.skipif(not (DEFAULT_MODEL_PATH / "config.cfg").is_file(), reason="no models/nl_ud/model")

OFFICIAL = (
    "Bij deze beschikking wordt u, ingevolge artikel 22 van de Wet WOZ, in kennis gesteld van de vastgestelde "
    "waarde van de onroerende zaak. Indien u van mening bent dat de objectkenmerken onjuist zijn, wordt u "
    "verzocht dit onverwijld aan de heffingsambtenaar kenbaar te maken."
)
PLAIN = "Wij hebben de waarde van uw huis bepaald. Klopt die waarde niet? Bel ons dan. Dat kan gratis."


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("beschikking", 3),
        ("idee", 2),
        ("taxatie", 3),
        ("de", 1),
        ("eeuw", 1),
        ("officieel", 4),
        ("2026", 1),
        ("", 0),
        ("...", 0),
    ],
)
def test_syllables(word, expected):
    assert rd.syllables(word) == expected


def test_flesch_douma_and_brouwer_golden():
    # 10 words, 2 sentences, 15 syllables
    assert rd.flesch_douma(10, 2, 15) == pytest.approx(206.835 - 0.93 * 5 - 77 * 1.5)
    assert rd.brouwer(10, 2, 15) == pytest.approx(195 - 2 * 5 - 66.7 * 1.5)
    assert rd.flesch_douma(0, 0, 0) is None
    assert rd.brouwer(0, 1, 0) is None


def test_lint_score_matches_lint_ii_example():
    # LiNT-II examples_for_visualizer level1.json, sentence 1: freq 4.11004, max SDL 7, CWC 3.0, concrete 1.0
    # -> lint_score 36.15097647332054 with the unrounded coefficients.
    assert rd.lint_score(4.110042313593291, 7, 3.0, 1.0) == pytest.approx(36.151, abs=0.01)
    assert rd.lint_score(None, 7, 3.0, 1.0) is None
    assert rd.lint_score(9.0, 0, 0, 1.0) == 0.0  # clamped


@pytest.mark.parametrize(
    ("score", "level"), [(0.0, 1), (33.99, 1), (34.0, 2), (45.9, 2), (46.0, 3), (58.0, 4), (100.0, 4), (None, None)]
)
def test_lint_levels(score, level):
    assert rd.lint_level(score) == level


def test_lint_word_features_match_lint_ii_golden_values():
    # word_frequency / super_sem_type as LiNT-II computed them (lint-ii-examples level1.json)
    sentence = LexiconSyntax().analyze("vroeg in de morgen wandelden de haas en de egel door het bos.")[0]
    by_word = {t.text: t for t in sentence.tokens}
    assert rd.word_frequency(by_word["haas"]) == pytest.approx(3.3415, abs=0.001)
    assert rd.word_frequency(by_word["bos"]) == pytest.approx(4.6678, abs=0.001)
    assert rd.word_frequency(by_word["morgen"]) == pytest.approx(5.6270, abs=0.001)
    assert rd.word_frequency(by_word["de"]) is None  # function word
    assert [rd.noun_type(by_word[w]) for w in ("haas", "egel", "bos")] == ["c", "c", "c"]


def test_compound_noun_takes_frequency_of_its_head():
    token = LexiconSyntax().analyze("het aanslagbiljet")[0].tokens[1]
    assert token.pos == "NOUN"
    head = LexiconSyntax().analyze("het biljet")[0].tokens[1]
    assert rd.word_frequency(token) == pytest.approx(rd.word_frequency(head))


def test_short_text_golden_values():
    result = analyze_document("De kat zit op de mat. Hij slaapt.")
    assert (result["n_sentences"], result["n_words"]) == (2, 8)
    assert result["avg_sentence_length"] == 4.0
    assert result["flesch_douma"] == pytest.approx(206.835 - 0.93 * 4 - 77 * 1.0, abs=0.01)
    assert result["brouwer"] == pytest.approx(195 - 2 * 4 - 66.7 * 1.0, abs=0.01)
    assert result["max_sentence_length"] == 6
    assert result["share_sentences_over_20"] == 0.0


@pytest.mark.parametrize("text", ["", "   ", "?!...", "— , ; :", "\n\n«naam»\n\n"])
def test_empty_and_punctuation_only(text):
    result = analyze_document(text)
    for key in ("flesch_douma", "brouwer", "lint_score", "lint_level", "avg_sentence_length", "difficulty"):
        assert result[key] is None
    assert result["n_words"] == 0
    assert result["b1_verdict"] == "onbekend"
    assert result["findings"] == []


@pytest.mark.parametrize(
    "text",
    [
        "Zie o.a. art. 6:5 Awb en de brief d.d. 1 januari jl. over nr. 12 van mevr. Jansen.",
        "Bel ons i.v.m. uw aanvraag, bijv. z.s.m. na ontvangst, t.a.v. de afdeling Belastingen.",
        "Dit geldt m.b.t. de aanslag, c.q. de beschikking, enz. en ook blz. 2 resp. 3.",
    ],
)
def test_abbreviations_do_not_split_sentences(text):
    assert len(split_sentences(text)) == 1
    assert analyze_document(text)["n_sentences"] == 1


def test_sentence_splitting_on_punctuation_and_lines():
    assert len(split_sentences("Betaal het bedrag. Dat kan via de website! Lukt het niet? Bel ons.")) == 4
    assert len(split_sentences("Geachte heer,\n\nU heeft betaald.")) == 2
    assert len(split_sentences("**Wat moet u doen?**\nBetaal het bedrag.")) == 2
    assert len(split_sentences("Dit is een zin die over\ntwee regels loopt.")) == 1


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("U bent lid. Dat is fijn.", ["U bent lid.", "Dat is fijn."]),
        ("Doe het zo. Dan gaat het snel.", ["Doe het zo.", "Dan gaat het snel."]),
        ("Ik sprak met Jan. Hij zei dat het klopt.", ["Ik sprak met Jan.", "Hij zei dat het klopt."]),
        ("Ik weet dat. Hij ook.", ["Ik weet dat.", "Hij ook."]),  # 'dat.' is a legal abbreviation in spaCy
        ("Ook papier, glas enz. Daarna het plastic.", ["Ook papier, glas enz.", "Daarna het plastic."]),
        ("Neem contact op, a.u.b. Wij bellen u.", ["Neem contact op, a.u.b.", "Wij bellen u."]),
        ("Vraag 3 is n.v.t. Sla die over.", ["Vraag 3 is n.v.t.", "Sla die over."]),
        ("Dit geldt voor ING. Andere banken volgen.", ["Dit geldt voor ING.", "Andere banken volgen."]),
        ("Uw klantnr. is 12345.", ["Uw klantnr. is 12345."]),
        ("Bel mevr. Jansen of dhr. De Vries. Zij helpen u.", ["Bel mevr. Jansen of dhr. De Vries.", "Zij helpen u."]),
        ("Wij komen op 5 jan. langs.", ["Wij komen op 5 jan. langs."]),
        ("1. Vul het formulier in.\n2. Stuur het op.", ["Vul het formulier in.", "Stuur het op."]),
    ],
)
def test_sentence_ends_after_an_abbreviation_that_can_close_it(text, sentences):
    found = split_sentences(text)
    assert [text[s[0][1] : s[-1][2]] for s in found] == sentences
    words = [t for s in LexiconSyntax().analyze(text) for t in s.words]
    assert all(t.text not in ("zo.", "lid.", "Jan.", "dat.") for t in words)  # the word, then a full stop


BODY = (
    "Wij hebben uw aanvraag voor een parkeervergunning voor bewoners op 3 maart via de website van de gemeente "
    "ontvangen.\nWij beoordelen uw aanvraag binnen acht weken en sturen u daarna een brief met ons besluit.\n"
    "U hoeft op dit moment niets te doen, want wij vragen u om extra gegevens als dat nodig is.\n"
    "Heeft u nog vragen over uw aanvraag of over deze brief, bel ons dan op werkdagen tussen 9 en 17 uur.\n"
)
LETTER_LINES = (
    "De heer J. Jansen\nDorpsstraat 1\n1234 AB Lindenoord\n\nGeachte heer, mevrouw,\n\n# Uw aanvraag\n\n"
    + BODY
    + "\nMet vriendelijke groet,\n\nGemeente Lindenoord\nAfdeling Parkeren\n"
)


def test_headings_salutation_address_and_signature_are_not_sentences():
    body, letter = analyze_document(BODY), analyze_document(LETTER_LINES)
    assert letter["n_sentences"] == body["n_sentences"] == 4
    assert letter["avg_sentence_length"] == body["avg_sentence_length"] > 15
    assert letter["b1_verdict"] == body["b1_verdict"] == "boven B1"
    # the same findings, none on the lines around the body ('De heer J. Jansen' gets no 'meneer')
    assert [(f["type"], f["text"]) for f in letter["findings"]] == [(f["type"], f["text"]) for f in body["findings"]]


@pytest.mark.parametrize("text", ["# Uw aanvraag", "Uw aanvraag\n", "Geachte heer Jansen,\n\nMet vriendelijke groet,"])
def test_a_text_without_a_real_sentence_gets_no_verdict(text):
    result = analyze_document(text)
    assert result["b1_verdict"] == "onbekend"
    assert result["b1_reasons"][0].startswith("Te weinig tekst")
    assert result["findings"] == []


def test_markers_are_not_words_and_spans_index_the_text():
    text = "Geachte «naam», u betaalt «bedrag» vóór «datum»."
    sentence = LexiconSyntax().analyze(text)[0]
    assert [t.text for t in sentence.words] == ["Geachte", "u", "betaalt", "vóór"]
    for tok in sentence.tokens:
        assert text[tok.start : tok.end] == tok.text


def test_officialese_text_scores_harder_than_plain_text():
    hard, easy = analyze_document(OFFICIAL), analyze_document(PLAIN)
    assert hard["flesch_douma"] < easy["flesch_douma"]
    assert hard["brouwer"] < easy["brouwer"]
    assert hard["lint_score"] > easy["lint_score"]
    assert hard["difficulty"] > easy["difficulty"]
    assert hard["lint_level"] >= 3 and easy["lint_level"] <= 2


def test_additional_statistics():
    result = analyze_document(OFFICIAL, syntax=LexiconSyntax())
    assert result["passives"] >= 2
    assert result["officialese"] >= 4
    assert result["share_sentences_over_15"] == 1.0
    assert 0 < result["rare_word_share"] < 1
    assert set(result["lint_features"]) == {
        "mean_log_word_frequency",
        "mean_max_dep_length",
        "content_words_per_clause",
        "proportion_concrete_nouns",
    }


class FakeParser:
    """A SyntaxAnalyzer with a hand-made parse, as a trained parser would give."""

    name = "fake"
    parsed = True

    def analyze(self, text: str) -> list[Sentence]:
        words = [
            ("Wij", "PRON", "", 1),
            ("sturen", "VERB", "WW|pv", 1),
            ("u", "PRON", "", 1),
            ("morgen", "NOUN", "", 1),
            ("een", "DET", "", 5),
            ("brief", "NOUN", "", 1),
            (".", "PUNCT", "", 1),
        ]
        tokens, pos = [], 0
        for word, upos, tag, head in words:
            start = text.index(word, pos)
            tokens.append(Token(word, start, start + len(word), word.lower(), upos, tag, head, "dep"))
            pos = start + len(word)
        return [Sentence(0, len(text), tuple(tokens), parsed=True)]


def test_syntax_protocol_and_parsed_dependency_length():
    fake = FakeParser()
    assert isinstance(fake, SyntaxAnalyzer) and isinstance(LexiconSyntax(), SyntaxAnalyzer)
    sentence = fake.analyze("Wij sturen u morgen een brief.")[0]
    assert rd.dep_lengths(sentence) == [0, 0, 0, 1, 0, 3]  # brief -> sturen: u, morgen, een in between
    result = analyze_document("Wij sturen u morgen een brief.", syntax=fake)
    assert result["lint_features"]["mean_max_dep_length"] == 3
    assert result["syntax"] == "fake"


def test_fast_path_reports_that_it_has_no_parser():
    result = analyze_document(PLAIN, syntax=LexiconSyntax())
    assert result["syntax"] == "lexicon"
    assert "geschat" in result["syntax_note"]


@requires_model
def test_default_analysis_uses_the_trained_pipeline():
    result = analyze_document(OFFICIAL)
    assert result["syntax"] == "spacy" and "taalmodel" in result["syntax_note"]
    assert result["passives"] == 2  # 'wordt u ... in kennis gesteld', 'wordt u verzocht'
    plain = analyze_document(PLAIN)["lint_features"]
    assert result["lint_features"]["mean_max_dep_length"] > 2 * plain["mean_max_dep_length"]
    assert result["sentences"] and all(s["difficulty"] is not None for s in result["sentences"])


@requires_model
def test_parsed_and_word_list_difficulty_use_their_own_reference():
    parsed = SpacySyntax().analyze(PLAIN)
    assert rd.reference_for(parsed) is rd.REFERENCE_PARSED
    assert rd.reference_for(LexiconSyntax().analyze(PLAIN)) is rd.REFERENCE
    assert set(rd.REFERENCE_PARSED) == set(rd.REFERENCE)


@pytest.mark.filterwarnings("default")
def test_missing_model_falls_back_to_word_lists_with_a_warning(monkeypatch, tmp_path):
    from analyzer.nlp import MissingModelWarning

    monkeypatch.setenv("ANALYZER_NL_MODEL", str(tmp_path / "no-model"))
    with pytest.warns(MissingModelWarning):
        result = analyze_document(PLAIN)
    assert result["syntax"] == "lexicon"
    assert "ontbreekt" in result["syntax_note"]
    assert result["flesch_douma"] is not None


@pytest.mark.skipif(
    not FrogSyntax.available(),
    reason="Frog is not installed (apt-get install frog frogdata; scripts/system_packages.sh)",
)
def test_frog_tags_and_parses():
    frog = FrogSyntax()
    text = "Indien u bezwaar wilt maken, dient u dit te doen. Wij sturen u op basis van de wet een brief."
    sentences = frog.analyze(text)
    assert len(sentences) == 2 and all(s.parsed for s in sentences)
    first = {t.text: t for t in sentences[0].tokens}
    assert first["wilt"].is_finite and first["dient"].is_finite and not first["maken"].is_finite
    assert first["bezwaar"].pos == "NOUN"
    assert all(0 <= t.head < len(s.tokens) for s in sentences for t in s.tokens)
    assert [t.text for t in sentences[1].tokens][4:7] == ["basis", "van", "de"]  # multi-word unit split again
    result = analyze_document("Indien u bezwaar wilt maken, dient u dit te doen.", syntax=frog)
    assert result["syntax"] == "frog" and result["lint_score"] is not None


def test_frog_alpino_heads_are_rehung_the_ud_way():
    from analyzer.syntax_frog import _frog_rows, ud_heads

    # Frog 0.20 output: 12 columns, head and relation last ('De brief zal worden verzonden door de gemeente .')
    rows = [
        ("De", "LID(bep,stan,rest)", 2, "det"),
        ("brief", "N(soort,ev,basis,zijd,stan)", 3, "su"),
        ("zal", "WW(pv,tgw,ev)", 0, "ROOT"),
        ("worden", "WW(inf,vrij,zonder)", 3, "vc"),
        ("verzonden", "WW(vd,vrij,zonder)", 4, "vc"),
        ("door", "VZ(init)", 5, "mod"),
        ("de", "LID(bep,stan,rest)", 8, "det"),
        ("gemeente", "N(soort,ev,basis,zijd,stan)", 6, "obj1"),
        (".", "LET()", 8, "punct"),
    ]
    block = "\n".join(
        "\t".join([str(i), w, w.lower(), "", tag, "0.9", "", "", "", "", str(h), rel])
        for i, (w, tag, h, rel) in enumerate(rows, start=1)
    )
    parsed = _frog_rows(block, len(rows))
    assert [head for _, _, head, _ in parsed] == [1, 2, 2, 2, 3, 4, 7, 5, 7]  # as Frog gives them (0-based)
    pos = ["DET", "NOUN", "AUX", "AUX", "VERB", "ADP", "DET", "NOUN", "PUNCT"]
    heads = ud_heads(pos, [h for _, _, h, _ in parsed], [r for _, _, _, r in parsed])
    # UD: the participle heads the clause, auxiliaries and the subject hang on it, 'gemeente' heads 'door'
    assert heads[:8] == [1, 4, 4, 4, 4, 7, 7, 4]


def test_frog_cross_check_reports_lint_and_pos_agreement():
    from analyzer.b1 import frog_cross_check

    check = frog_cross_check(OFFICIAL, LexiconSyntax(), LexiconSyntax())
    assert check["pos_agreement"] == 1.0
    assert check["lint_score"] is not None and set(check["lint_features"]) == {
        "mean_log_word_frequency",
        "mean_max_dep_length",
        "content_words_per_clause",
        "proportion_concrete_nouns",
    }


def test_a_text_in_another_language_gets_no_verdict_and_no_findings() -> None:
    from analyzer.b1 import NOT_DUTCH, analyze_document, looks_dutch

    english = (
        "Dear Sir or Madam,\n\nWe have received your application for a parking permit. We will assess your "
        "application within eight weeks. If you have any questions, please call us.\n\nKind regards,"
    )
    result = analyze_document(english)
    assert result["b1_verdict"] == "onbekend" and result["b1_reasons"] == [NOT_DUTCH]
    assert result["findings"] == []
    dutch = "Wij hebben uw aanvraag voor een parkeervergunning ontvangen. U hoort binnen acht weken van ons. " * 2
    assert looks_dutch(dutch) and analyze_document(dutch)["b1_verdict"] == "B1"
    assert looks_dutch("Please call us.")  # too short to tell: judged as Dutch
