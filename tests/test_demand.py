"""Demand types: cue patterns, the zero-shot and supervised classifiers, label files, the store
step and ``analyzer train-demand``. The fast tests use the hashing embedder; the ``model`` tests
check clear hand-written examples with the real packaged model."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import write_csv, write_xlsx

from analyzer.cli import main
from analyzer.demand import (
    AVOIDABLE_TYPES,
    DEMAND_TYPES,
    VALUE,
    DemandClassifier,
    PrototypeClassifier,
    classify_calls,
    cue_matrix,
    evaluate,
    load_prototypes,
    read_labels,
    train_demand,
    zero_shot_classifier,
)
from analyzer.embed import HashingEmbedder
from analyzer.errors import InputError
from analyzer.store import Store

# A labelled sample written by hand for these tests, independently of the demo-data generator
# and worded differently from the prototype phrases (analyzer/data/demand_prototypes.toml).
HAND_LABELLED: list[tuple[str, str]] = [
    ("kl. wil een afspraak voor een ID-kaart voor zijn dochter", "value"),
    ("melding: put in de weg op de hoek van de Dorpsstraat", "value"),
    ("Klant: Kan ik een vuilniszak met tuinafval bij de milieustraat brengen? Medewerker: Ja, dat kan.", "value"),
    ("mevr. wil een parkeervergunning voor bezoek aanvragen", "value"),
    ("dhr. vraagt welke dagen het oud papier wordt opgehaald", "value"),
    ("aanvraag voor een gehandicaptenparkeerplaats voor de deur gestart", "value"),
    ("kl. wil de naam van zijn kind laten wijzigen, informatie gegeven over de procedure", "value"),
    ("melding: lantaarnpaal brandt niet bij de speeltuin", "value"),
    ("kl. snapt niet wat hij met de brief over de hondenbelasting moet", "clarification"),
    ("Klant: Wat wordt er bedoeld met de beschikking die ik kreeg? Medewerker: Ik leg het u uit.", "clarification"),
    ("mevr. begrijpt de brief over de Wmo-eigen bijdrage niet, toegelicht", "clarification"),
    ("dhr. vraagt wat de zin over de bezwaartermijn in de brief betekent", "clarification"),
    ("onduidelijk voor kl. wat er in de brief over de afvalstoffenheffing staat", "clarification"),
    ("kl. weet na het lezen van de brief niet wat hij nu moet doen", "clarification"),
    ("kl. belt omdat hij al 8 weken niets heeft gehoord over zijn bezwaar", "progress_chasing"),
    ("mevr. vraagt hoe het staat met haar aanvraag voor bijzondere bijstand", "progress_chasing"),
    (
        "Klant: Wanneer krijg ik bericht over mijn vergunning? Medewerker: Ik vraag het na bij de afdeling.",
        "progress_chasing",
    ),
    ("dhr. wacht nog steeds op een reactie op zijn verzoek om kwijtschelding", "progress_chasing"),
    ("kl. wil weten waar de beslissing op zijn aanvraag blijft, termijn is voorbij", "progress_chasing"),
    ("stand van zaken gevraagd van de melding over de kapotte stoep, nog niets gebeurd", "progress_chasing"),
    ("kl. belt opnieuw over zijn parkeerboete, vorige week ook al gebeld", "repeat"),
    ("Klant: Ik bel nu voor de derde keer over hetzelfde. Medewerker: Dat spijt me, ik zoek het uit.", "repeat"),
    ("mevr. heeft hier al eerder over gebeld en belt nogmaals", "repeat"),
    ("dhr. belt weer over dezelfde aanslag, eerder gesprek leverde niets op", "repeat"),
    ("2e keer contact vandaag over dezelfde vraag", "repeat"),
    ("kl. vraagt naar zijn AOW, doorverwezen naar de SVB", "wrong_channel"),
    ("vraag over de motorrijtuigenbelasting, hoort bij de Belastingdienst", "wrong_channel"),
    ("verkeerde afdeling gebeld, kl. doorverbonden met Vergunningen", "wrong_channel"),
    ("kl. kon de verhuizing ook online doorgeven via de website, uitgelegd", "wrong_channel"),
    ("Klant: Ik wil mijn huurcontract opzeggen. Medewerker: Dat moet u bij uw woningcorporatie doen.", "wrong_channel"),
    ("er staat een verkeerde voornaam op de aanslag, kl. wil correctie", "error_correction"),
    ("de parkeerkosten zijn dubbel afgeschreven van de rekening", "error_correction"),
    ("kl. kreeg een aanmaning terwijl hij de aanslag al betaald had", "error_correction"),
    ("Klant: Op de brief staat mijn oude adres. Medewerker: Dat is fout, ik laat het aanpassen.", "error_correction"),
    ("bedrag op de aanslag rioolheffing klopt niet, een persoon te veel gerekend", "error_correction"),
]


def _labels_store(tmp_path: Path, n_per_type: int = 6) -> Store:
    """A store whose calls repeat one recognisable word per type (separable for the hashing model)."""
    words = {
        "value": "afspraak paspoort maken",
        "clarification": "brief snap ik niet",
        "progress_chasing": "wanneer krijg ik antwoord",
        "repeat": "derde keer bellen",
        "wrong_channel": "belastingdienst doorverwezen",
        "error_correction": "dubbel afgeschreven",
    }
    rows = [
        {"call_id": f"{t[:3].upper()}{i}", "timestamp": pd.Timestamp("2026-03-02 09:00"), "text": f"{w} nr {i}"}
        for t, w in words.items()
        for i in range(n_per_type)
    ]
    store = Store(tmp_path / "demand.duckdb")
    run_id = store.start_run("test", {})
    calls = pd.DataFrame(rows).assign(channel="telefoon", duration_s=60.0, reason=None, agent="AG01",
                                      row_hash="h", source_file="t.csv", source_row=1)  # fmt: skip
    store.insert_calls(calls, run_id)
    return store


def _truth(call_id: str) -> str:
    prefix = {t[:3].upper(): t for t in DEMAND_TYPES}
    return prefix[call_id.rstrip("0123456789")]


# --------------------------------------------------------------------------- pure parts


def test_prototypes_cover_every_type_with_a_few_dozen_phrases() -> None:
    prototypes = load_prototypes()
    assert list(prototypes) == list(DEMAND_TYPES)
    assert all(len(p) >= 20 for p in prototypes.values())
    # the test sample must not simply repeat a prototype
    everything = {p for ps in prototypes.values() for p in ps}
    assert not everything & {text for text, _ in HAND_LABELLED}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kl. begrijpt de brief niet", "clarification"),
        ("al 6 weken niets gehoord", "progress_chasing"),
        ("belt opnieuw, 3e keer", "repeat"),
        ("doorverwezen naar het UWV", "wrong_channel"),
        ("dubbel afgeschreven", "error_correction"),
        ("verkeerde naam op aanslag", "error_correction"),
    ],
)
def test_cues_fire_on_their_type(text: str, expected: str) -> None:
    row = cue_matrix([text])[0]
    assert row[DEMAND_TYPES.index(expected)] == 1.0


def test_cues_ignore_value_demand_and_empty_text() -> None:
    cues = cue_matrix(["kl. wil een afspraak voor een paspoort", "", "...", "verkeerde afdeling, doorverbonden"])
    assert cues[:3].sum() == 0
    # "verkeerde afdeling" is the wrong channel, not a municipal error
    assert cues[3, DEMAND_TYPES.index("wrong_channel")] == 1.0
    assert cues[3, DEMAND_TYPES.index("error_correction")] == 0.0


def test_prototype_classifier_scores_and_margin() -> None:
    # two orthogonal prototypes: value along x, repeat along y
    vectors = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    clf = PrototypeClassifier(top_k=1, value_margin=0.1, cue_weight=0.5).fit(vectors, ["value", "repeat"])
    notes = np.array([[0.6, 0.8], [0.7, 0.714]], dtype=np.float32)
    assert list(clf.classes_) == ["value", "repeat"]
    # 0.8 vs 0.6 + 0.1 -> repeat; 0.714 vs 0.7 + 0.1 -> the margin keeps it value
    assert list(clf.predict(notes)) == ["repeat", "value"]
    # a cue adds cue_weight to its type
    assert list(clf.predict(notes, ["", "belt opnieuw"])) == ["repeat", "repeat"]
    proba = clf.predict_proba(notes)
    assert np.allclose(proba.sum(axis=1), 1.0)
    with pytest.raises(ValueError):
        PrototypeClassifier().fit(vectors, ["value", "other"])


def test_evaluate_golden_values() -> None:
    truth = ["value", "value", "repeat", "clarification"]
    pred = ["value", "repeat", "repeat", "value"]
    m = evaluate(truth, pred)
    assert m["accuracy"] == 0.5
    assert m["per_type"]["repeat"] == {"precision": 0.5, "recall": 1.0, "f1": 0.6667, "support": 1}
    # avoidable: truth {2,3}, predicted {1,2} -> one hit of two each
    assert m["avoidable"]["precision"] == 0.5 and m["avoidable"]["recall"] == 0.5


def test_demand_classifier_fits_predicts_and_round_trips() -> None:
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(len(DEMAND_TYPES), 16))
    labels = np.repeat(DEMAND_TYPES, 10)
    x = centres[np.repeat(np.arange(len(DEMAND_TYPES)), 10)] + 0.05 * rng.normal(size=(len(labels), 16))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    clf = DemandClassifier(prototype_vectors=centres[:, :16] / 4, prototype_types=list(DEMAND_TYPES)).fit(x, labels)
    assert list(clf.predict(x)) == list(labels)
    assert clf.predict_proba(x).shape == (len(labels), len(DEMAND_TYPES))
    again = DemandClassifier.from_bytes(clf.to_bytes())
    assert np.allclose(again.predict_proba(x), clf.predict_proba(x))
    with pytest.raises(ValueError):
        DemandClassifier().fit(x, ["nonsense"] * len(labels))
    with pytest.raises(TypeError):
        DemandClassifier.from_bytes(pickle.dumps({"not": "a model"}))


def test_demand_classifier_cue_features_need_texts() -> None:
    # embeddings carry no signal; only the cue separates repeat from value
    x = np.tile(np.eye(4, dtype=np.float32)[0], (20, 1))
    texts = ["kl. belt opnieuw, al eerder gebeld"] * 10 + ["kl. wil een afspraak"] * 10
    labels = ["repeat"] * 10 + ["value"] * 10
    clf = DemandClassifier().fit(x, labels, texts)
    assert list(clf.predict(x[:2], ["derde keer dat hij belt", "paspoort aanvragen"])) == ["repeat", "value"]
    with pytest.raises(ValueError, match="pass the texts"):
        clf.predict(x)
    # without texts at fit time the model is embeddings-only and predicts without them
    assert len(DemandClassifier().fit(x, labels).predict(x)) == 20


# --------------------------------------------------------------------------- labels and store


def test_read_labels_reports_bad_rows_and_reconciles(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "labels.csv",
        ["call_id", "demand_type"],
        [
            ["C1", "value"],
            ["C2", "Progress chasing"],  # spelling variants are accepted
            ["C9", "repeat"],  # not in the store
            ["C3", "vraag"],  # unknown type
            ["", "repeat"],  # empty id
            ["C1", "repeat"],  # duplicate
            ["C3", "wrong-channel"],
        ],
    )
    result = read_labels(path, {"C1", "C2", "C3"})
    assert result.labels.values.tolist() == [["C1", "value"], ["C2", "progress_chasing"], ["C3", "wrong_channel"]]
    assert result.rows_in == 7 and result.reconciles()
    text = "\n".join(result.problems)
    assert f"{path}, rij 4, kolom call_id: gesprek 'C9' staat niet in de opslag" in text
    assert f"{path}, rij 5, kolom demand_type: onbekend type 'vraag'" in text
    assert f"{path}, rij 6, kolom call_id: leeg" in text
    assert f"{path}, rij 7, kolom call_id: 'C1' staat al in rij 2" in text


def test_read_labels_xlsx_and_missing_column(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "labels.xlsx", ["Call_ID", "Demand_Type"], [["C1", "clarification"]])
    assert read_labels(path, {"C1"}).labels.values.tolist() == [["C1", "clarification"]]
    bad = write_csv(tmp_path / "bad.csv", ["call_id", "type"], [["C1", "value"]])
    with pytest.raises(InputError, match="kolom 'demand_type' ontbreekt"):
        read_labels(bad, {"C1"})


def test_classify_calls_zero_shot_then_trained_model(tmp_path: Path) -> None:
    embedder = HashingEmbedder(64)
    with _labels_store(tmp_path) as store:
        demand = classify_calls(store, embedder)
        assert len(demand) == store.count("calls") == len(store.table("call_demand"))
        assert set(demand["method"]) == {"prototypes"}
        assert set(demand["demand_type"]) <= set(DEMAND_TYPES)
        assert (demand["avoidable"] == (demand["demand_type"] != VALUE)).all()

        call_ids = store.table("calls")["call_id"].tolist()
        labels = write_csv(tmp_path / "labels.csv", ["call_id", "demand_type"], [[c, _truth(c)] for c in call_ids])
        result = train_demand(store, embedder, labels)
        assert result.n_labels == len(call_ids) and not result.problems
        assert result.metrics["cross_validation"]["folds"] == 5
        assert result.metrics["cross_validation"]["accuracy"] >= 0.9
        stored = store.latest_demand_model(embedder.model_id)
        assert stored is not None and stored[0] == result.model_id

        demand = classify_calls(store, embedder, run_id=7)
        assert set(demand["method"]) == {f"model:{result.model_id}"}
        assert (demand["demand_type"] == demand["call_id"].map(_truth)).mean() >= 0.95
        assert set(store.table("call_demand")["run_id"]) == {7}
        # a model for another embedding model is not used
        assert set(classify_calls(store, HashingEmbedder(32))["method"]) == {"prototypes"}


def test_classify_calls_on_empty_store(store, embedder) -> None:
    demand = classify_calls(store, embedder)
    assert demand.empty and store.count("call_demand") == 0


def test_train_demand_needs_two_types(tmp_path: Path) -> None:
    with _labels_store(tmp_path, n_per_type=2) as store:
        labels = write_csv(tmp_path / "labels.csv", ["call_id", "demand_type"], [["VAL0", "value"], ["VAL1", "value"]])
        with pytest.raises(InputError, match="minstens twee verschillende types"):
            train_demand(store, HashingEmbedder(64), labels)
        # two per type: trains, cross-validates with 2 folds
        rows = [[c, _truth(c)] for c in store.table("calls")["call_id"]]
        result = train_demand(
            store, HashingEmbedder(64), write_csv(tmp_path / "l2.csv", ["call_id", "demand_type"], rows)
        )
        assert result.metrics["cross_validation"]["folds"] == 2


# --------------------------------------------------------------------------- CLI


def test_cli_train_demand(tmp_path: Path, capsys) -> None:
    path = tmp_path / "demand.duckdb"
    with _labels_store(tmp_path) as store:
        call_ids = store.table("calls")["call_id"].tolist()
        # the store's last analysis used the hashing model; train-demand follows it
        store.finish_run(store.start_run("analyze", {"embedding_model": "hashing-64"}), "completed", {})
    rows = [[c, _truth(c)] for c in call_ids] + [["ONBEKEND", "value"], [call_ids[0], "klacht"]]
    labels = write_csv(tmp_path / "labels.csv", ["call_id", "demand_type"], rows)
    assert main(["train-demand", "--store", str(path), "--labels", str(labels), "--format", "json"]) == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["n_labels"] == len(call_ids) and out["skipped"] == 2 and out["rows_in"] == len(call_ids) + 2
    assert out["embedding_model"] == "hashing-64"
    assert "kolom call_id: gesprek 'ONBEKEND' staat niet in de opslag" in captured.err
    assert "kolom demand_type: onbekend type 'klacht'" in captured.err
    with Store(path, read_only=True) as store:
        assert store.latest_demand_model("hashing-64")[0] == out["model_id"]

    assert main(["train-demand", "--store", str(path), "--labels", str(labels)]) == 0
    assert "Kruisvalidatie (5-voudig)" in capsys.readouterr().out
    assert main(["train-demand", "--store", str(path), "--labels", str(tmp_path / "nee.csv")]) == 2
    assert "bestand niet gevonden" in capsys.readouterr().err


# --------------------------------------------------------------------------- real model


@pytest.fixture(scope="module")
def real_zero_shot():
    from analyzer.embed import get_embedder

    embedder = get_embedder("use-multilingual-v3-onnx-q")
    return embedder, zero_shot_classifier(embedder)


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Klant: Wat betekent deze brief nou precies? Ik snap er niks van.", "clarification"),
        ("kl. al 7 weken niets gehoord over zijn aanvraag, wil weten wanneer hij antwoord krijgt", "progress_chasing"),
        ("dhr. belt voor de 3e keer over dezelfde melding, is er klaar mee", "repeat"),
        ("kl. vraagt naar zijn kinderbijslag, doorverwezen naar de SVB", "wrong_channel"),
        ("aanslag staat op de verkeerde naam, kl. wil dat het aangepast wordt", "error_correction"),
        ("kl. wil een afspraak maken om een nieuw rijbewijs aan te vragen", "value"),
    ],
)
def test_real_model_clear_examples(real_zero_shot, text: str, expected: str) -> None:
    embedder, clf = real_zero_shot
    assert clf.predict(embedder.encode([text]), [text])[0] == expected


@pytest.mark.model
def test_real_model_on_hand_labelled_sample(real_zero_shot) -> None:
    embedder, clf = real_zero_shot
    texts, truth = zip(*HAND_LABELLED, strict=True)
    m = evaluate(truth, clf.predict(embedder.encode(list(texts)), list(texts)))
    assert m["accuracy"] >= 0.8, m
    assert m["avoidable"]["precision"] >= 0.85 and m["avoidable"]["recall"] >= 0.85, m
    assert all(m["per_type"][t]["recall"] >= 0.6 for t in AVOIDABLE_TYPES), m
