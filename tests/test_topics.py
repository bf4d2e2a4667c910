"""Topics: Dutch label words, TopicModel contract (determinism, order, fit = transform, partial_fit,
forced k, no outlier topic), stable ids with manual edits, and one check with the real model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analyzer import text_nl
from analyzer.topic_labels import CtfidfLabeller
from analyzer.topics import GraphTopics, TopicModel, cluster_texts, knn_graph, match_topics, modularity, row_keys

# Phrases per intended topic; a note is filler + phrase + detail + agent action, as KCC notes are.
TOPICS = {
    "woz": ["WOZ-beschikking", "WOZ-waarde woning", "bezwaar tegen WOZ-waarde", "taxatieverslag WOZ"],
    "afval": ["container niet geleegd", "grofvuil ophalen", "gft-container kapot", "afvalpas milieustraat"],
    "paspoort": ["paspoort aanvragen", "afspraak id-kaart", "paspoort verlopen", "pasfoto voor paspoort"],
    "parkeren": ["parkeervergunning aanvragen", "bezoekersregeling parkeren", "parkeervergunning kenteken"],
    "bijstand": ["bijstandsuitkering niet ontvangen", "energietoeslag aanvragen", "inlichtingenformulier bijstand"],
    "honden": ["hondenbelasting aanslag", "hond afmelden hondenbelasting", "hondenbelasting te hoog"],
}
DETAILS = {
    "woz": ["waarde te hoog", "snapt de waarde niet", "wil bezwaar maken", "vergelijkbare woningen"],
    "afval": ["al twee weken", "vuilniswagen overgeslagen", "stinkt", "afspraak maken voor ophalen"],
    "paspoort": ["vakantie volgende maand", "welke documenten nodig", "spoedaanvraag", "kosten paspoort"],
    "parkeren": ["nieuwe auto", "bezoek parkeren", "kosten vergunning", "wachtlijst parkeervergunning"],
    "bijstand": ["uitkering te laat", "wil betalingsspecificatie", "inkomsten doorgeven", "formulier kwijt"],
    "honden": ["hond overleden", "nooit een hond gehad", "tweede hond", "aanslag klopt niet"],
}
WHO = ["kl.", "klant", "mevr", "dhr [NAAM]", "mevr. [NAAM]", "beller"]
ASK = ["belt ivm", "vraagt naar", "belt over", "heeft vraag over", "belt nav brief"]
ACTION = ["uitgelegd", "doorverbonden", "terugbelverzoek aangemaakt", "verwezen naar website", "BSN [BSN] genoteerd"]


def make_notes(
    topics: list[str], per_topic: int, seed: int = 0, dim: int = 48, noise: float = 0.09, centers_seed: int = 7
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Dutch KCC-style notes and synthetic embeddings clustered by intended topic (same centers
    for every call with the same ``centers_seed``)."""
    names = list(TOPICS)
    centers = np.random.default_rng(centers_seed).normal(size=(len(names), dim))
    rng = np.random.default_rng(seed)
    texts, vectors, truth = [], [], []
    for topic in topics:
        t = names.index(topic)
        for _ in range(per_topic):
            texts.append(
                f"{rng.choice(WHO)} {rng.choice(ASK)} {rng.choice(TOPICS[topic])}, "
                f"{rng.choice(DETAILS[topic])}. {rng.choice(ACTION)}"
            )
            vectors.append(centers[t] / np.linalg.norm(centers[t]) + rng.normal(scale=noise, size=dim))
            truth.append(t)
    X = np.asarray(vectors, dtype=np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    return texts, X, np.asarray(truth)


FOUR = ["woz", "afval", "paspoort", "parkeren"]


@pytest.fixture(scope="module")
def day1() -> tuple[list[str], np.ndarray, np.ndarray]:
    return make_notes(FOUR, 40, seed=1)


@pytest.fixture(scope="module")
def fitted(day1) -> TopicModel:
    texts, X, _ = day1
    return TopicModel().fit(texts, X)


def concentration(found: np.ndarray, truth: np.ndarray) -> float:
    """Share of notes that sit in the found topic holding most of their intended topic."""
    frame = pd.DataFrame({"found": found, "truth": truth})
    return frame.groupby("truth")["found"].agg(lambda s: s.value_counts().iloc[0]).sum() / len(frame)


def purity(found: np.ndarray, truth: np.ndarray) -> float:
    """Share of notes whose found topic's majority is their own intended topic."""
    return concentration(truth, found)


# --------------------------------------------------------------------------- Dutch words


def test_lemmatise_golden_values():
    assert text_nl.lemmatise(["Mevr heeft de containers niet geleegd gekregen."]) == [
        ["mevr", "hebben", "de", "container", "niet", "legen", "krijgen"]
    ]
    assert text_nl.lemmatise(["belastingen aanslagen afspraken brieven"]) == [
        ["belasting", "aanslag", "afspraak", "brief"]
    ]


@pytest.mark.parametrize("text", ["", "   ", "...", "?!", "[NAAM] [BSN]"])
def test_empty_and_punctuation_only_text_have_no_terms(text):
    assert text_nl.terms([text]) == [[]]


def test_content_lemmas_drop_stop_words_filler_and_placeholders():
    words = text_nl.content_lemmas(["kl. belt ivm brief WOZ van [NAAM], BSN [BSN]; mevr vraagt naar de aanslag 2026"])
    assert words == [["brief", "woz", "aanslag"]]  # "BSN" is an identity check, not a subject
    light = text_nl.content_lemmas(["krijg eigenlijk een aanslag, staat er niks in, vraag beantwoord, zit ie fout"])
    assert light == [["aanslag", "fout"]]  # light verbs, adverbs and the agent's "beantwoord" are not subjects


def test_labeller_prefers_words_distinctive_for_a_topic():
    texts = ["woz waarde te hoog brief"] * 3 + ["container niet geleegd brief"] * 3
    labeller = CtfidfLabeller().fit(texts, [0, 0, 0, 1, 1, 1])
    keywords = labeller.keywords()
    assert "brief" not in keywords[0][:3] and "brief" not in keywords[1][:3]  # shared by both topics
    assert "woz waarde" in keywords[0] and "woz" not in keywords[0]  # the pair replaces its words
    assert any("container" in k for k in keywords[1][:3])
    assert labeller.label([], 7) == "Onderwerp 7"


def test_a_misspelling_in_a_few_notes_of_a_big_topic_does_not_name_it():
    # Four topics share "woz-waarde", so c-TF-IDF scores it low; "warde" is in 3 of 100 notes of topic 0 only.
    texts, topics = [], []
    for topic, extra in enumerate(["bepaald", "te hoog", "bezwaar", "huurder"]):
        texts += [f"woz-waarde {extra}"] * 97 + (["warde"] * 3 if topic == 0 else [f"woz-waarde {extra}"] * 3)
        topics += [topic] * 100
    keywords = CtfidfLabeller().fit(texts, topics).keywords()
    assert "warde" not in keywords[0]
    assert "warde" in CtfidfLabeller(min_support=0.0).fit(texts, topics).keywords()[0]  # without the floor


def test_keywords_leave_out_channel_and_agent_words_and_parts_of_a_compound_already_shown():
    texts = ["woz-waarde bezwaar balie, verwezen naar www, tbv uitgezet"] * 3 + ["woz waarde buurman"] * 2
    texts += ["container niet geleegd, chatgesprek, opgelost"] * 3
    keywords = CtfidfLabeller().fit(texts, [0, 0, 0, 0, 0, 1, 1, 1]).keywords()
    shown = {w for terms in keywords.values() for term in terms for w in term.split()}
    assert not shown & {"balie", "www", "uitzetten", "chatgesprek", "opgelost", "oplossen"}
    assert "woz-waarde bezwaar" in keywords[0]
    assert "woz waarde" not in keywords[0]  # its words are the parts of "woz-waarde", already in the label


def test_keywords_that_add_no_new_word_are_left_out_and_abbreviations_are_spelled_officially():
    texts = ["pmd zak blijven liggen"] * 4 + ["woz-waarde te hoog, brp klopt niet"] * 4
    labeller = CtfidfLabeller().fit(texts, [0] * 4 + [1] * 4)
    keywords = labeller.keywords()
    shown: set[str] = set()
    for term in keywords[0]:  # "zak blijven" after "pmd zak" and "blijven liggen" adds nothing
        assert not set(term.split()) <= shown, keywords[0]
        shown |= set(term.split())
    labels = labeller.labels()
    assert "PMD zak" in labels[0] and "WOZ-waarde" in labels[1] and "Woz" not in labels[1]


def test_months_and_weekdays_date_a_note_and_do_not_name_its_topic():
    texts = ["waardepeildatum 1 jan 2025 snapt niet"] * 4 + ["container maandag niet geleegd"] * 4
    keywords = CtfidfLabeller().fit(texts, [0] * 4 + [1] * 4).keywords()
    shown = {w for terms in keywords.values() for term in terms for w in term.split()}
    assert "waardepeildatum" in shown and "container" in shown
    assert not shown & {"jan", "maandag"}


def test_labels_have_no_stop_words_filler_or_placeholders(fitted):
    stops = text_nl.label_stop_words()
    topics = fitted.topics_frame()
    for _, row in topics.iterrows():
        assert row["keywords"], row
        for term in row["keywords"]:
            for word in term.lower().split():
                assert word not in stops, (word, row["label"])
                assert "[" not in word and "naam" != word and "bsn" != word
        assert "[" not in row["label"]
    assert topics["representative"].str.len().gt(0).all()


def test_labels_name_the_subject(fitted, day1):
    texts, X, truth = day1
    labels = fitted.topics_frame().set_index("topic_id")["label"].str.lower()
    woz_topic = pd.Series(fitted.labels_[truth == 0]).mode()[0]
    assert "woz" in labels[woz_topic] or "waarde" in labels[woz_topic]


# --------------------------------------------------------------------------- the model contract


def test_every_note_gets_a_topic_and_a_confidence(day1):
    texts, X, truth = day1
    noise = np.random.default_rng(3).normal(size=(12, X.shape[1])).astype(np.float32)
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    model = TopicModel().fit(texts + ["onduidelijk gesprek"] * 12, np.vstack([X, noise]))
    ids = set(model.topics_frame().query("level == 1 and active")["topic_id"])
    assert set(model.labels_) <= ids and -1 not in model.labels_
    assert ((model.confidence_ >= 0) & (model.confidence_ <= 1)).all()
    assert model.low_confidence_.dtype == bool
    assert model.low_confidence_[-12:].mean() > model.low_confidence_[:-12].mean()
    assert concentration(model.labels_[:-12], truth) >= 0.95


def test_same_data_twice_gives_identical_topics(day1, fitted):
    texts, X, _ = day1
    again = TopicModel().fit(texts, X)
    assert np.array_equal(again.labels_, fitted.labels_)
    pd.testing.assert_frame_equal(
        again.topics_frame().drop(columns="centroid"), fitted.topics_frame().drop(columns="centroid")
    )


def test_the_number_of_blas_threads_does_not_change_the_topics():
    # A machine with more cores must find the same topics. Before the SVD ran single-threaded and the
    # similarities were summed in float64, these 4,000 notes got different topic ids with 1 and 2 threads.
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(3)
    centers = rng.normal(size=(60, 512))
    X = centers[rng.integers(0, 60, 4000)] / np.sqrt(512) + rng.normal(scale=0.0053, size=(4000, 512))
    X = (X / np.linalg.norm(X, axis=1, keepdims=True)).astype(np.float32)
    texts = [f"vraag {i % 97} over onderwerp {i % 13}" for i in range(4000)]
    fits = []
    for threads in (1, 2):
        with threadpool_limits(threads):
            fits.append(TopicModel().fit(texts, X))
    assert np.array_equal(fits[0].labels_, fits[1].labels_)
    assert np.array_equal(fits[0].centroids_, fits[1].centroids_)
    pd.testing.assert_frame_equal(
        fits[0].topics_frame().drop(columns="centroid"), fits[1].topics_frame().drop(columns="centroid")
    )


def test_shuffled_rows_give_the_same_topics(day1, fitted):
    texts, X, _ = day1
    perm = np.random.default_rng(5).permutation(len(texts))
    shuffled = TopicModel().fit([texts[i] for i in perm], X[perm])
    assert np.array_equal(shuffled.labels_, fitted.labels_[perm])
    assert shuffled.topics_frame()["label"].tolist() == fitted.topics_frame()["label"].tolist()


def test_shuffled_sample_gives_the_same_topics():
    texts, X, _ = make_notes(FOUR, 60, seed=2)
    perm = np.random.default_rng(9).permutation(len(texts))
    a = TopicModel(sample_size=120).fit(texts, X)
    b = TopicModel(sample_size=120).fit([texts[i] for i in perm], X[perm])
    assert np.array_equal(b.labels_, a.labels_[perm])


def test_transform_agrees_with_fit(day1, fitted):
    texts, X, _ = day1
    out = fitted.transform(texts, X)
    assert list(out.columns) == ["topic_id", "confidence", "low_confidence"]
    assert np.array_equal(out["topic_id"].to_numpy(), fitted.labels_)
    assert np.allclose(out["confidence"].to_numpy(), fitted.confidence_)
    assert np.array_equal(out["low_confidence"].to_numpy(), fitted.low_confidence_)
    pd.testing.assert_frame_equal(TopicModel().fit_transform(texts, X), out)
    with pytest.raises(ValueError, match="texts"):
        fitted.transform(None, X)


def test_number_of_topics_is_found(fitted, day1):
    _, _, truth = day1
    assert fitted.topics_frame().query("level == 1")["topic_id"].nunique() == 4
    assert concentration(fitted.labels_, truth) == 1.0


@pytest.mark.parametrize("k", [2, 4, 7])
def test_forced_k(day1, k):
    texts, X, _ = day1
    model = TopicModel(k=k).fit(texts, X)
    assert (model.topics_frame()["level"] == 1).sum() == k
    assert len(set(model.labels_)) == k


def test_fitted_attributes_only_after_fit():
    from sklearn.exceptions import NotFittedError

    model = TopicModel(k=3)
    assert not hasattr(model, "topics_") and model.get_params()["k"] == 3
    with pytest.raises(NotFittedError):
        model.transform(["x"], np.ones((1, 4), dtype=np.float32) / 2)


def test_rejects_unnormalised_or_misaligned_embeddings(day1):
    texts, X, _ = day1
    with pytest.raises(ValueError, match="L2"):
        TopicModel().fit(texts, X * 3)
    with pytest.raises(ValueError, match="one row per note"):
        TopicModel().fit(texts[:-1], X)


@pytest.mark.parametrize("n", [1, 2, 4])
def test_tiny_inputs_get_one_topic_each_note_assigned(n):
    X = np.eye(4, 8, dtype=np.float32)[:n]
    model = TopicModel().fit(["kl belt ivm WOZ", "paspoort", "", "..."][:n], X)
    assert len(model.labels_) == n and (model.topics_frame()["size"] > 0).all()


def test_no_notes_is_an_input_error():
    from analyzer.errors import InputError

    with pytest.raises(InputError):
        TopicModel().fit([], np.zeros((0, 8), dtype=np.float32))


def test_coarse_topics_are_parents(fitted):
    topics = fitted.topics_frame()
    coarse = set(topics.query("level == 0")["topic_id"])
    assert coarse and set(topics.query("level == 1")["parent"].dropna()) <= coarse


# --------------------------------------------------------------------------- ids across runs and days


def test_partial_fit_keeps_ids_and_marks_a_new_topic(day1):
    texts, X, truth = day1
    model = TopicModel().fit(texts, X)
    before = model.predict(texts, X)
    old_ids = set(model.topics_frame().query("level == 1")["topic_id"])
    t2, X2, truth2 = make_notes([*FOUR, "bijstand"], 30, seed=11)
    model.partial_fit(t2, X2)
    assert np.array_equal(model.predict(texts, X), before)
    topics = model.topics_frame().query("level == 1")
    new = topics[topics["is_new"]]
    assert len(new) == 1 and new["topic_id"].iloc[0] not in old_ids
    bijstand = model.labels_[truth2 == list(TOPICS).index("bijstand")]
    assert (bijstand == new["topic_id"].iloc[0]).mean() >= 0.9
    assert set(model.labels_[truth2 != list(TOPICS).index("bijstand")]) <= old_ids
    assert "bijstand" in new["label"].iloc[0].lower() or "energietoeslag" in new["label"].iloc[0].lower()


def test_refit_with_previous_keeps_ids(day1, fitted):
    t2, X2, truth2 = make_notes(FOUR, 35, seed=21)
    refit = TopicModel(previous=fitted.topics_frame()).fit(t2, X2)
    old = fitted.topics_frame().query("level == 1").set_index("topic_id")
    _, _, truth1 = day1
    for t in range(4):
        assert pd.Series(refit.labels_[truth2 == t]).mode()[0] == pd.Series(fitted.labels_[truth1 == t]).mode()[0]
    new = refit.topics_frame().query("level == 1")
    assert not new["is_new"].any()
    assert set(new["topic_id"]) == set(old.index)


def test_refit_with_a_new_subject_gets_a_fresh_id(fitted):
    t2, X2, truth2 = make_notes([*FOUR, "honden"], 35, seed=22)
    refit = TopicModel(previous=fitted.topics_frame()).fit(t2, X2)
    topics = refit.topics_frame().query("level == 1")
    honden = pd.Series(refit.labels_[truth2 == list(TOPICS).index("honden")]).mode()[0]
    row = topics.set_index("topic_id").loc[honden]
    assert bool(row["is_new"]) and honden > fitted.topics_frame()["topic_id"].max()


def test_retired_topic_keeps_its_id_and_comes_back(fitted):
    t2, X2, _ = make_notes(["woz", "afval", "paspoort"], 40, seed=31)
    quiet = TopicModel(previous=fitted.topics_frame()).fit(t2, X2)
    retired = quiet.topics_frame().query("level == 1 and not active")
    assert len(retired) == 1
    t3, X3, truth3 = make_notes(FOUR, 40, seed=32)
    back = TopicModel(previous=quiet.topics_frame()).fit(t3, X3)
    parkeren = pd.Series(back.labels_[truth3 == 3]).mode()[0]
    assert parkeren == retired["topic_id"].iloc[0]


def test_manual_label_and_merge_survive_a_refit(day1, fitted):
    _, _, truth = day1
    ids = {t: int(pd.Series(fitted.labels_[truth == t]).mode()[0]) for t in range(4)}
    renames = {ids[0]: "WOZ-waarde en bezwaar"}
    merges = [(ids[3], ids[2])]  # parkeren into paspoort, by hand
    t2, X2, truth2 = make_notes(FOUR, 40, seed=41)
    edited = TopicModel(previous=fitted.topics_frame(), renames=renames, merges=merges).fit(t2, X2)
    t3, X3, truth3 = make_notes(FOUR, 45, seed=42)
    again = TopicModel(previous=edited.topics_frame(), renames=renames, merges=merges).fit(t3, X3)
    for model, texts, X_, truth_ in ((edited, t2, X2, truth2), (again, t3, X3, truth3)):
        topics = model.topics_frame().set_index("topic_id")
        assert topics.loc[ids[0], "label"] == "WOZ-waarde en bezwaar"
        assert topics.loc[ids[0], "auto_label"] != "WOZ-waarde en bezwaar"
        assert topics.loc[ids[3], "merged_into"] == ids[2] and topics.loc[ids[3], "size"] == 0
        assert set(model.labels_[truth_ == 3]) == {ids[2]}
        assert ids[3] not in set(model.predict(texts, X_))
        assert topics.loc[ids[2], "size"] == (truth_ >= 2).sum()


def test_manual_edits_apply_to_stored_tables_at_once(fitted, day1):
    from analyzer.topics import apply_manual_edits

    texts, _, _ = day1
    call_ids = [f"C{i}" for i in range(len(texts))]
    assignments = fitted.assignments_frame(call_ids)
    assert list(assignments.columns) == ["call_id", "topic_id", "confidence", "low_confidence"]
    topics = fitted.topics_frame()
    a, b = 0, 1
    new_topics, new_assignments = apply_manual_edits(topics, assignments, {b: "Afval ophalen"}, [(a, b)])
    edited = new_topics.set_index("topic_id")
    assert edited.loc[a, "merged_into"] == b and edited.loc[a, "size"] == 0
    assert edited.loc[b, "size"] == topics.set_index("topic_id").loc[[a, b], "size"].sum()
    assert edited.loc[b, "label"] == "Afval ophalen" and a not in set(new_assignments["topic_id"])
    assert topics.equals(fitted.topics_frame())  # the input is not modified


def test_a_stored_edit_changes_the_tables_as_apply_manual_edits_does(fitted, day1, tmp_path):
    """Store.apply_topic_edit updates only the rows an edit touches; the result must be what
    apply_manual_edits (the path a fit takes) gives."""
    from analyzer.store import Store
    from analyzer.topics import apply_manual_edits

    texts, _, _ = day1
    topics, assignments = fitted.topics_frame(), fitted.assignments_frame([f"C{i}" for i in range(len(texts))])
    a, b = 0, 1
    expected_topics, expected_calls = apply_manual_edits(topics, assignments, {b: "Afval ophalen"}, [(a, b)])
    with Store(tmp_path / "s.duckdb") as store:
        store.replace_topics(topics, assignments, run_id=1)
        store.apply_topic_edit("merge", a, target_id=b)
        store.apply_topic_edit("rename", b, label="Afval ophalen")
        got_topics = store.topics().set_index("topic_id")
        got_calls = store.con.execute("SELECT call_id, topic_id FROM call_topics ORDER BY call_id").df()
    want = expected_topics.set_index("topic_id")
    for column in ("label", "size", "active", "merged_into"):
        assert got_topics[column].fillna(-1).tolist() == want.loc[got_topics.index, column].fillna(-1).tolist(), column
    want_calls = expected_calls.sort_values("call_id")[["call_id", "topic_id"]].reset_index(drop=True)
    assert got_calls.equals(want_calls.astype(got_calls.dtypes.to_dict()))


def test_match_topics_is_one_to_one_with_threshold():
    a = np.eye(3, dtype=np.float32)
    b = np.array([[0, 1, 0], [0.6, 0.8, 0], [0, 0, 1]], dtype=np.float32)
    assert match_topics(a, b, 0.9).tolist() == [-1, 0, 2]


def test_row_keys_depend_on_content_only():
    X = np.random.default_rng(0).normal(size=(50, 8)).astype(np.float32)
    keys = row_keys(X)
    assert np.array_equal(row_keys(X[::-1]), keys[::-1]) and len(set(keys.tolist())) == 50


def test_cluster_texts_is_row_aligned(day1):
    texts, X, truth = day1
    out = cluster_texts(texts, X, k=4)
    assert list(out.columns) == ["topic_id", "topic_label", "confidence"] and len(out) == len(texts)
    assert out["topic_label"].notna().all() and concentration(out["topic_id"].to_numpy(), truth) == 1.0


def test_steps_are_swappable(day1):
    from sklearn.cluster import KMeans

    texts, X, truth = day1
    model = TopicModel(representation="embeddings", clusterer=KMeans(4, n_init=3, random_state=0)).fit(texts, X)
    assert concentration(model.labels_, truth) == 1.0
    assert model.topics_frame()["parent"].isna().all()  # no coarse level from KMeans
    assert isinstance(TopicModel().get_params()["clusterer"], type(None))
    assert GraphTopics(n_clusters=3).fit(X).labels_.max() == 2


# --------------------------------------------------------------------------- the real model


@pytest.mark.model
def test_real_model_groups_dutch_kcc_notes():
    from analyzer.embed import get_embedder

    names = ["woz", "afval", "paspoort", "parkeren", "bijstand"]
    texts, _, truth = make_notes(names, 60, seed=51)
    X = get_embedder("use-multilingual-v3-onnx-q").encode(texts)
    model = TopicModel().fit(texts, X)
    assert purity(model.labels_, truth) >= 0.8
    forced = TopicModel(k=5).fit(texts, X)
    assert concentration(forced.labels_, truth) >= 0.8 and purity(forced.labels_, truth) >= 0.8


def test_modularity_equals_networkx_on_a_subgraph():
    import networkx as nx

    rng = np.random.default_rng(3)
    X = rng.normal(size=(300, 12))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    graph = knn_graph(X, 8)
    nodes = list(range(40, 260))
    sub = nx.from_scipy_sparse_array(graph).subgraph(nodes)
    for seed in range(3):
        parts = [sorted(p) for p in nx.community.louvain_communities(sub, weight="weight", seed=seed)]
        assert modularity(graph, nodes, parts) == pytest.approx(nx.community.modularity(sub, parts), abs=1e-9)
    assert modularity(graph, nodes, [nodes]) == pytest.approx(0.0, abs=1e-9)  # one community: no structure


def test_louvain_finds_planted_communities_with_networkx_modularity():
    """The compiled Louvain (scikit-network) on the sparse matrix: it recovers planted blocks, is
    deterministic, and its partition is as modular as networkx's own Louvain finds (an independent oracle)."""
    import networkx as nx

    rng = np.random.default_rng(5)
    centers = rng.normal(size=(4, 16))
    X = np.vstack([c + rng.normal(scale=0.25, size=(50, 16)) for c in centers])
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    truth = np.repeat(np.arange(4), 50)
    graph = knn_graph(X, 10)
    ours = GraphTopics()._louvain(graph)
    assert ours == GraphTopics()._louvain(graph)  # same input, same communities
    assert sorted(v for c in ours for v in c) == list(range(200))  # a partition of every node
    assert concentration(GraphTopics(n_clusters=4).fit(X).labels_, truth) == 1.0
    G = nx.from_scipy_sparse_array(graph)
    theirs = nx.community.louvain_communities(G, weight="weight", seed=0)
    everyone = list(range(200))
    assert modularity(graph, everyone, ours) >= nx.community.modularity(G, theirs) - 0.01
    assert GraphTopics()._louvain(graph[:0][:, :0]) == []


def test_character_view_fit_transform_equals_fit_then_transform(day1):
    from analyzer.topics import CharNgramView

    texts, X, _ = day1
    view = CharNgramView()
    once = view.fit_transform(texts, X)
    np.testing.assert_array_equal(once, view.transform(texts, X))
    np.testing.assert_array_equal(once, CharNgramView().fit(texts, X).transform(texts, X))
    assert once.shape == (len(X), X.shape[1] + view.svd_.n_components)


ODD_TEXTS = [
    "  Dubbele  spatie\tTAB\nregel",
    "ÉÉN İstanbul straße",
    "",
    "   ",
    "a",
    "x" * 30,
    "émigré café ñ",
    "Mr.  [NAAM] belt\u00a0ivm  WOZ-waarde, 06-12345678!",
]


def test_character_view_counts_words_once_and_gives_the_vectorizers_weights(day1):
    """``_weights`` (n-grams per distinct word) must equal the fitted TfidfVectorizer's own transform."""
    from analyzer.topics import CharNgramView

    texts, X, _ = day1
    view = CharNgramView().fit(texts, X)
    for batch in (list(dict.fromkeys(texts)), ODD_TEXTS, [texts[0]] * 3):
        ours, theirs = view._weights(batch), view.tfidf_.transform(batch)
        ours.sort_indices()
        theirs.sort_indices()
        assert ours.shape == theirs.shape
        np.testing.assert_array_equal(ours.indptr, theirs.indptr)
        np.testing.assert_array_equal(ours.indices, theirs.indices)
        np.testing.assert_array_equal(ours.data, theirs.data)


def test_nearest_centroid_does_not_depend_on_the_chunk_or_the_threads():
    """fit assigns the sample, transform every note, partial_fit a day: a row's topic and similarity
    must not depend on which chunk it was in or how many threads ran the blocks."""
    from threadpoolctl import threadpool_limits

    from analyzer.topics import _assign

    rng = np.random.default_rng(5)
    X = rng.normal(size=(3000, 40)).astype(np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    C = X[rng.choice(3000, 60, replace=False)] + 0.01
    C /= np.linalg.norm(C, axis=1, keepdims=True)
    whole = _assign(X, C, 0.03, 4096)
    with threadpool_limits(1):
        one = _assign(X, C, 0.03, 4096)
    chunked = _assign(X, C, 0.03, 257)
    tail = _assign(X[1000:], C, 0.03, 333)
    for other in (one, chunked):
        np.testing.assert_array_equal(whole[0], other[0])  # the topic
        np.testing.assert_array_equal(whole[2], other[2])  # its similarity
        np.testing.assert_allclose(whole[1], other[1], atol=1e-5)  # the confidence, to its fifth decimal
    np.testing.assert_array_equal(whole[0][1000:], tail[0])
    np.testing.assert_array_equal(whole[2][1000:], tail[2])


def test_theme_louvain_keeps_the_most_modular_of_its_restarts():
    from sknetwork.clustering import Louvain

    rng = np.random.default_rng(11)
    X = rng.normal(size=(240, 10))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    graph = knn_graph(X, 6)
    everyone = list(range(240))
    best = GraphTopics()._louvain(graph, 0.5, restarts=8)
    assert best == GraphTopics()._louvain(graph, 0.5, restarts=8)  # deterministic
    singles = []
    for seed in range(8):
        labels = Louvain(resolution=0.5, shuffle_nodes=seed > 0, random_state=seed).fit_predict(graph)
        singles.append(
            modularity(graph, everyone, [np.flatnonzero(labels == c).tolist() for c in np.unique(labels)], 0.5)
        )
    assert modularity(graph, everyone, best, 0.5) == pytest.approx(max(singles))
    assert len(set(np.round(singles, 6))) > 1  # the orders really differ on this graph, so the test can fail
