"""Our spaCy pipeline behind the SyntaxAnalyzer interface: same tokens and spans as the fast path, UD tags,
a parse, fixes for letter language the model did not see (u, imperatives), markers and the fallback."""

from __future__ import annotations

import pytest

from analyzer import readability as rd
from analyzer.nlp import DEFAULT_MODEL_PATH
from analyzer.syntax import LexiconSyntax, SyntaxAnalyzer, default_syntax
from analyzer.syntax_spacy import SpacySyntax, stand_in, verb_of_stem

pytestmark = pytest.mark.skipif(not (DEFAULT_MODEL_PATH / "config.cfg").is_file(), reason="no models/nl_ud/model")


@pytest.fixture(scope="module")
def spacy_syntax() -> SpacySyntax:
    return SpacySyntax()


def test_default_syntax_is_the_trained_pipeline(spacy_syntax):
    syntax = default_syntax()
    assert isinstance(syntax, SpacySyntax) and isinstance(syntax, SyntaxAnalyzer)
    assert syntax.nlp is spacy_syntax.nlp  # loaded once (analyzer.nlp.load_nlp is cached)


def test_same_tokens_sentences_and_spans_as_the_fast_path(spacy_syntax):
    text = "Zie o.a. art. 6:5 Awb.\n\nGeachte «naam», u betaalt «bedrag» vóór «datum». Heeft u vragen?"
    ours, fast = spacy_syntax.analyze(text), LexiconSyntax().analyze(text)
    assert [[t.text for t in s.tokens] for s in ours] == [[t.text for t in s.tokens] for s in fast]
    for sentence in ours:
        assert sentence.parsed
        for tok in sentence.tokens:
            assert text[tok.start : tok.end] == tok.text
            assert 0 <= tok.head < len(sentence.tokens)
    markers = [t for s in ours for t in s.tokens if t.marker]
    assert [t.text for t in markers] == ["«naam»", "«bedrag»", "«datum»"] and all(t.pos == "X" for t in markers)
    assert [t.text for t in ours[1].words] == ["Geachte", "u", "betaalt", "vóór"]


def test_tags_lemmas_and_parse(spacy_syntax):
    sentence = spacy_syntax.analyze("De gemeente stuurt u een brief.")[0]
    tok = {t.text: t for t in sentence.tokens}
    assert (tok["gemeente"].pos, tok["stuurt"].pos, tok["u"].pos) == ("NOUN", "VERB", "PRON")
    assert tok["stuurt"].is_finite and tok["stuurt"].lemma == "sturen"
    assert tok["gemeente"].dep == "nsubj" and sentence.tokens[tok["gemeente"].head].text == "stuurt"
    stats = rd.sentence_stats(sentence)
    assert stats.n_finite == 1 and stats.n_content == 3  # gemeente, stuurt, brief
    assert stats.max_dep_length == max(rd.dep_lengths(sentence))


def test_imperatives_and_inverted_auxiliaries_are_finite_verbs(spacy_syntax):
    bel, kunt, betaal = spacy_syntax.analyze("Bel ons dan. Kunt u niet betalen? Betaal het bedrag voor 1 mei.")
    assert (bel.tokens[0].pos, bel.tokens[0].lemma, bel.tokens[0].is_finite) == ("VERB", "bellen", True)
    assert kunt.tokens[0].pos == "AUX" and kunt.tokens[0].is_finite
    assert betaal.tokens[0].lemma == "betalen" and betaal.tokens[0].is_finite
    heading = spacy_syntax.analyze("Inhoud")[0]  # a heading is not an imperative
    assert not heading.tokens[0].is_finite


@pytest.mark.parametrize(
    ("stem", "verb"), [("bel", "bellen"), ("betaal", "betalen"), ("lees", "lezen"), ("geef", "geven"), ("xq", None)]
)
def test_verb_of_stem(stem, verb):
    assert verb_of_stem(stem) == verb


def test_marker_stand_ins():
    assert stand_in("«datum»") == "maandag" and stand_in("«naam»") == "Jansen" and stand_in("«iets»") == "Jansen"


@pytest.mark.parametrize("text", ["", "   ", "?!...", "\n\n«naam»\n\n"])
def test_empty_and_punctuation_only(spacy_syntax, text):
    sentences = spacy_syntax.analyze(text)
    assert all(not s.words for s in sentences)


def test_many_texts_in_one_run(spacy_syntax):
    texts = ["Wij bellen u.", "", "Uw aanvraag is afgewezen. Bel ons."]
    many = spacy_syntax.analyze_many(texts)
    assert [len(x) for x in many] == [1, 0, 2]
    assert many == [spacy_syntax.analyze(t) for t in texts]
