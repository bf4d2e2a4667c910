"""The committed Dutch pipeline (models/nl_ud/model) loads offline and tags, parses and lemmatises;
the loader falls back to a blank pipeline with a warning when the model is missing."""

from __future__ import annotations

import warnings

import pytest

from analyzer import nlp as nlp_module
from analyzer.nlp import MissingModelWarning, has_parser, load_nlp, model_path

requires_model = pytest.mark.skipif(
    not (nlp_module.DEFAULT_MODEL_PATH / "config.cfg").is_file(), reason="models/nl_ud/model is not committed"
)


@pytest.fixture(scope="module")
def nlp():
    return load_nlp(nlp_module.DEFAULT_MODEL_PATH)


@requires_model
def test_model_is_the_trained_pipeline(nlp) -> None:
    assert has_parser(nlp)
    assert {"tagger", "morphologizer", "parser", "lemmatizer"} <= set(nlp.pipe_names)


@requires_model
def test_loaded_once(nlp) -> None:
    assert load_nlp(nlp_module.DEFAULT_MODEL_PATH) is nlp


@requires_model
def test_tags_parse_and_lemmas_of_a_dutch_sentence(nlp) -> None:
    doc = nlp("De gemeente stuurt u een brief.")
    by_text = {tok.text: tok for tok in doc}
    assert by_text["gemeente"].pos_ == "NOUN"
    assert by_text["stuurt"].pos_ == "VERB"
    assert by_text["brief"].pos_ == "NOUN"
    assert by_text["stuurt"].dep_ == "ROOT"
    assert by_text["gemeente"].head.text == "stuurt"
    assert by_text["gemeente"].dep_ == "nsubj"
    assert by_text["stuurt"].lemma_ == "sturen"
    assert by_text["stuurt"].tag_.startswith("WW")  # Dutch fine tag (CGN/Lassy): werkwoord
    assert "Number=Sing" in str(by_text["gemeente"].morph)


@requires_model
def test_sentences_come_from_the_parser(nlp) -> None:
    doc = nlp("U moet de aanslag voor 1 mei betalen. Heeft u vragen? Bel ons dan.")
    assert [s.text for s in doc.sents] == ["U moet de aanslag voor 1 mei betalen.", "Heeft u vragen?", "Bel ons dan."]


@requires_model
def test_empty_and_punctuation_only_text(nlp) -> None:
    assert len(nlp("")) == 0
    assert [t.text for t in nlp("...")] == ["..."]


def test_env_var_overrides_the_path(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("ANALYZER_NL_MODEL", str(tmp_path))
    assert model_path() == tmp_path
    monkeypatch.delenv("ANALYZER_NL_MODEL")
    assert model_path() == nlp_module.DEFAULT_MODEL_PATH


@pytest.mark.filterwarnings("default")
def test_fallback_to_blank_pipeline_with_a_warning(tmp_path) -> None:
    missing = tmp_path / "no-model"
    with pytest.warns(MissingModelWarning, match="not found"):
        blank = load_nlp(missing)
    assert not has_parser(blank)
    assert blank.lang == "nl"
    doc = blank("Dit is een zin. Dit is er nog een.")
    assert len(list(doc.sents)) == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load_nlp(missing) is blank  # cached: no second warning


@requires_model
def test_topic_lemmas_come_from_the_model_table() -> None:
    from analyzer import text_nl

    # 'heeft', 'werd' are missing from spacy-lookups-data; the model's table has them from UD train
    assert text_nl.lemmatise(["Zij heeft twee aanslagen gekregen, maar werd niet gebeld."]) == [
        ["zij", "hebben", "twee", "aanslag", "krijgen", "maar", "worden", "niet", "bellen"]
    ]
    assert text_nl.lemmatise(["", "[NAAM] ..."]) == [[], []]


@pytest.mark.filterwarnings("default")
def test_topic_lemmas_without_the_model(monkeypatch, tmp_path) -> None:
    from analyzer import text_nl

    monkeypatch.setenv("ANALYZER_NL_MODEL", str(tmp_path / "no-model"))
    text_nl._pipeline.cache_clear()
    text_nl._known_lemmas.cache_clear()
    try:
        with pytest.warns(MissingModelWarning):
            lemmas = text_nl.lemmatise(["belastingen aanslagen brieven"])
        assert lemmas == [["belasting", "aanslag", "brief"]]
    finally:
        text_nl._pipeline.cache_clear()
        text_nl._known_lemmas.cache_clear()


def test_lemmatise_word_by_word_equals_tokenising_whole_texts() -> None:
    """text_nl.lemmatise tokenises each white-space piece once; spaCy's tokenizer on whole texts is
    the reference (abbreviations, clitics, e-mail, URLs, amounts, brackets, odd white space)."""
    from analyzer import text_nl

    texts = [
        "a.b.c. d.d. o.a. art. 5 jl. bijv.",
        "e-mail: jan@voorbeeld.nl 06-12345678 [NAAM] <BSN>",
        "(huis)arts; 'quote' \"dq\" ... wat?!",
        "  \n\t ",
        "",
        "12,50 euro, €12.50 en 3x",
        "http://www.amsterdam.nl/woz?x=1 z'n m'n 't",
        "Niet-gewerkte uren: 75%! WOZ-waarde & aanslag/beschikking",
        "Mevr. belt ivm brieven, aanslagen en huizen\u00a0kinderen",
    ]
    cleaned = [text_nl.strip_placeholders(t).lower() for t in texts]
    whole = [
        [text_nl._lemma(tok.text) for tok in doc if not (tok.is_punct or tok.is_space)]
        for doc in text_nl._pipeline().tokenizer.pipe(cleaned)
    ]
    assert text_nl.lemmatise(texts) == whole
    # a no-break space separates words too; irregular plurals get their singular
    assert text_nl.lemmatise(texts[-1:]) == [["mevr.", "belt", "ivm", "brief", "aanslag", "en", "huis", "kind"]]
