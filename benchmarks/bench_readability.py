"""Readability benchmark: Amsterdam complex->simple pairs, lexical simplification, demo letters, speed.

    python benchmarks/bench_readability.py                 # our spaCy pipeline and the word-list fallback
    python benchmarks/bench_readability.py --frog          # also with Frog (apt-get install frog frogdata)
    python benchmarks/bench_readability.py --reference     # recompute readability.REFERENCE(_PARSED) (UD Dutch)
    python benchmarks/bench_readability.py --lint-golden   # our LiNT features vs LiNT-II's examples
    python benchmarks/bench_readability.py --ud-check      # tags, passives, SDL vs UD Dutch gold (held-out part)
    python benchmarks/bench_readability.py --ceiling       # diagnostic: what any weighting of the features could reach

Reads ../shared/eval (and ../shared/data/ud-dutch for --reference). Nothing is fitted on the pairs:
every score is computed with fixed, sourced constants; the pairs only measure. The one exception is
``--ceiling``, a diagnostic that fits weights on the pairs (cross-validated by document) to show how far
*any* linear weighting of the difficulty features could go; its weights are printed, never used.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzer import readability as rd  # noqa: E402
from analyzer.b1 import analyze_document  # noqa: E402
from analyzer.findings import find_all  # noqa: E402
from analyzer.ingest.letters import read_letter  # noqa: E402
from analyzer.syntax import LexiconSyntax, default_syntax  # noqa: E402
from analyzer.syntax_frog import FrogSyntax  # noqa: E402

SHARED = ROOT.parent / "shared"
PAIRS = SHARED / "eval/nl-municipal-simplification/complex-simple-v1-anonymized.csv"
LEXICAL = SHARED / "eval/nl-municipal-simplification/lexical-simplification-hobo-2022.tsv"
UD = SHARED / "data/ud-dutch"
LINT_EXAMPLES = SHARED / "eval/lint-ii-examples"
# metric -> True when a higher value means easier
METRICS = {
    "flesch_douma": True,
    "brouwer": True,
    "avg_sentence_length": False,
    "lint_score": False,
    "difficulty": False,
}
WORD_TYPES = ("officialese", "jargon", "rare_word", "long_compound", "nominalisation")
PLAIN_LETTERS = {
    "herinnering-belastingen",
    "aanmaning-belastingen",
    "paspoort-id-kaart-verloopt",
    "verhuizing-bevestiging",
    "hondenbelasting",
    "grofvuil-afspraakbevestiging",
    "stempas-verkiezingen",
    "energietoeslag-besluit",
    "rijbewijs-verloopt",
    "betalingsregeling-bevestiging",
    "wmo-uitnodiging-gesprek",
}


def easier(metric: str, complex_: dict, simple: dict) -> bool:
    a, b = complex_[metric], simple[metric]
    if a is None or b is None:
        return False
    return b > a if METRICS[metric] else b < a


# How a document is rebuilt from its pair rows. The rows are the units Amsterdam's editors aligned; about
# 5% end without punctuation (headings such as "Waarom de gemeente dit bericht publiceert"). Joined by a
# space, such a heading runs into the next sentence; joined by a line break, each row stays its own
# sentence, as in the letter it came from. Both are reported (benchmarks/README.md, "Readability").
DOCUMENT_JOINS = {"document": "\n", "document_space": " "}


def bench_pairs(syntax) -> dict[str, dict[str, float]]:
    pairs = pd.read_csv(PAIRS)
    out: dict[str, dict[str, float]] = {}
    sent = [
        (analyze_document(c, syntax=syntax), analyze_document(s, syntax=syntax))
        for c, s in zip(pairs["Complex"], pairs["Simple"])
    ]
    docs = {
        key: [
            (
                analyze_document(sep.join(group["Complex"]), syntax=syntax),
                analyze_document(sep.join(group["Simple"]), syntax=syntax),
            )
            for _, group in pairs.groupby("Document ID")
        ]
        for key, sep in DOCUMENT_JOINS.items()
    }
    for metric in METRICS:
        out[metric] = {
            "sentence": sum(easier(metric, c, s) for c, s in sent) / len(sent),
            **{key: sum(easier(metric, c, s) for c, s in d) / len(d) for key, d in docs.items()},
            "n_sentence": len(sent),
            "n_document": len(docs["document"]),
        }
    return out


def bench_lexical(syntax) -> dict[str, float]:
    rows = [line.rstrip("\n").split("\t") for line in LEXICAL.read_text(encoding="utf-8").splitlines() if line.strip()]
    flagged = suggested = 0
    for row in rows:
        sentence, word = row[0], row[1].strip()
        alternatives = {a.strip().lower() for a in row[2:] if a.strip()}
        start = sentence.find(word)
        findings = find_all(syntax.analyze(sentence), sentence)
        hits = [f for f in findings if f.type in WORD_TYPES and f.start <= start < f.end]
        flagged += bool(hits)
        plains = {p.strip().lower() for f in hits for p in f.extra.get("plain", [])}
        suggested += bool(plains & alternatives)
    return {"n": len(rows), "flagged": flagged / len(rows), "suggestion_listed": suggested / len(rows)}


def bench_letters(syntax) -> tuple[pd.DataFrame, bool]:
    rows = []
    for path in sorted((ROOT / "corpora/letters").glob("*.md")):
        result = analyze_document(read_letter(path).text, str(path), syntax)
        rows.append(
            {
                "letter": path.stem,
                "style": "plain" if path.stem in PLAIN_LETTERS else "officialese",
                **{
                    k: result[k]
                    for k in (
                        "flesch_douma",
                        "brouwer",
                        "lint_score",
                        "lint_level",
                        "difficulty",
                        "avg_sentence_length",
                        "b1_verdict",
                    )
                },
                "findings": len(result["findings"]),
            }
        )
    frame = pd.DataFrame(rows)
    plain, official = frame[frame["style"] == "plain"], frame[frame["style"] == "officialese"]
    separated = (
        official["difficulty"].min() > plain["difficulty"].max()
        and official["lint_score"].min() > plain["lint_score"].max()
        and official["flesch_douma"].max() < plain["flesch_douma"].min()
    )
    return frame, bool(separated)


def one_page_letter() -> str:
    text = read_letter(ROOT / "corpora/letters/woz-beschikking.md").text
    words = text.split()
    while len(words) < 400:
        words += text.split()
    return " ".join(words[:400])


def bench_speed(use_frog: bool) -> dict[str, float]:
    """Warm ms per one-page letter (400 words) for the default (spaCy) path and the word-list path."""
    text = one_page_letter()
    out: dict[str, float] = {}
    for key, syntax in (("spacy", default_syntax()), ("wordlist", LexiconSyntax())):
        analyze_document(text, syntax=syntax)
        timings = []
        for _ in range(20):
            t0 = time.perf_counter()
            analyze_document(text, syntax=syntax)
            timings.append(time.perf_counter() - t0)
        timings.sort()
        out[f"{key}_ms_median"] = timings[len(timings) // 2] * 1000
        out[f"{key}_ms_max"] = timings[-1] * 1000
        out[f"{key}_letters_per_s"] = 1000 / out[f"{key}_ms_median"]
    if use_frog:
        frog = FrogSyntax()
        t0 = time.perf_counter()
        analyze_document(text, syntax=frog)
        out["frog_first_s"] = time.perf_counter() - t0
        variants = [text.replace("Lindenoord", f"Lindenoord{k}") + f" Brief {k}." for k in range(3)]
        t0 = time.perf_counter()
        frog.prepare(variants)
        for v in variants:
            analyze_document(v, syntax=frog)
        out["frog_batch_s_per_letter"] = (time.perf_counter() - t0) / len(variants)
        out["frog_letters_per_s"] = 1 / out["frog_batch_s_per_letter"]
    return out


def reference(syntax, part: str | None) -> dict[str, tuple[float, float]]:
    """Mean and SD of the difficulty features over UD Dutch (Alpino + LassySmall dev/test) sentences;
    ``part="eval"``: only the documents the spaCy model never saw (the parsed reference)."""
    values: dict[str, list[float]] = {k: [] for k in rd.REFERENCE}
    n = 0
    for text, _rows in ud_sentences(part):
        for sentence in syntax.analyze(text):
            stats = rd.sentence_stats(sentence)
            if not stats.n_words:
                continue
            counts: dict[str, int] = {}
            for f in find_all([sentence], text):
                counts[f.type] = counts.get(f.type, 0) + 1
            for k, v in rd.difficulty_features(stats, counts).items():
                values[k].append(float(v))
            n += 1
    print(f"{syntax.name}: {n} sentences")
    return {k: (round(statistics.fmean(v), 2), round(statistics.stdev(v), 2)) for k, v in values.items()}


def lint_golden(syntax) -> dict[str, float]:
    """Agreement with LiNT-II's features on its four example texts (68 sentences, lower-cased tokens): word
    frequency and noun type per word, UD part of speech per word, and per sentence the maximum dependency
    length, content words per clause and LiNT score (LiNT-II used spaCy's nl_core_news model)."""
    freq_err, concrete_agree, concrete_n, sent_scores, freq_total = [], 0, 0, [], 0
    pos_same = pos_n = 0
    sdl, cwc = [], []
    if isinstance(syntax, FrogSyntax):
        syntax.prepare(
            [
                " ".join(w["text"] for w in sent["word_features"])
                for level in range(1, 5)
                for sent in json.loads((LINT_EXAMPLES / f"level{level}.json").read_text())["sentences"]
            ]
        )
    for level in range(1, 5):
        data = json.loads((LINT_EXAMPLES / f"level{level}.json").read_text())
        for sent in data["sentences"]:
            words = [w["text"] for w in sent["word_features"]]
            text = " ".join(words)
            ours = syntax.analyze(text)
            tokens = {t.start: t for s in ours for t in s.tokens}
            offset = 0
            for w in sent["word_features"]:
                tok = tokens.get(offset)
                offset += len(w["text"]) + 1
                if tok is None:
                    continue
                if w.get("pos") and w["pos"] not in ("PUNCT", "SPACE"):
                    pos_n += 1
                    pos_same += tok.pos == w["pos"] or {tok.pos, w["pos"]} == {"AUX", "VERB"}
                freq_total += "word_frequency" in w
                if "word_frequency" in w and (z := rd.word_frequency(tok)) is not None:
                    freq_err.append(abs(z - w["word_frequency"]))
                if "super_sem_type" in w and w["super_sem_type"] != "unknown":
                    concrete_n += 1
                    concrete_agree += {"c": "concrete", "a": "abstract", "u": "undefined"}.get(
                        rd.noun_type(tok) or "", ""
                    ) == w["super_sem_type"]
            stats = [rd.sentence_stats(s) for s in ours]
            doc = rd.lint_document(stats)
            feats = doc["lint_features"]
            if sent.get("max_sdl") is not None and feats["mean_max_dep_length"] is not None:
                sdl.append((feats["mean_max_dep_length"], sent["max_sdl"]))
            if sent.get("content_words_per_clause") is not None and feats["content_words_per_clause"] is not None:
                cwc.append((feats["content_words_per_clause"], sent["content_words_per_clause"]))
            if doc["lint_score"] is not None and sent["lint_score"] is not None:
                sent_scores.append((doc["lint_score"], sent["lint_score"]))
    ours_s, theirs = zip(*sent_scores)
    return {
        "pos_words": pos_n,
        "pos_agreement": pos_same / pos_n,
        "freq_words": len(freq_err),
        "freq_words_lint": freq_total,
        "freq_exact_share": sum(e < 0.01 for e in freq_err) / len(freq_err),
        "freq_mean_abs_err": statistics.fmean(freq_err),
        "noun_type_agreement": concrete_agree / concrete_n,
        "max_sdl_sentences": len(sdl),
        "max_sdl_exact": sum(a == b for a, b in sdl) / len(sdl),
        "max_sdl_pearson": statistics.correlation(*zip(*sdl)),
        "max_sdl_mean_abs_diff": statistics.fmean(abs(a - b) for a, b in sdl),
        "cwc_sentences": len(cwc),
        "cwc_exact": sum(abs(a - b) < 0.01 for a, b in cwc) / len(cwc),
        "cwc_pearson": statistics.correlation(*zip(*cwc)),
        "sentence_lint_scores": len(sent_scores),
        "sentence_lint_pearson": statistics.correlation(ours_s, theirs),
        "sentence_lint_mean_abs_diff": statistics.fmean(abs(a - b) for a, b in sent_scores),
    }


def _read_conllu(path: Path):
    """(sent_id, text, token rows) per sentence of a CoNLL-U file; multi-word and empty nodes left out."""
    rows: list[list[str]] = []
    text = sent_id = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# text = "):
            text = line[len("# text = ") :]
        elif line.startswith("# sent_id"):
            sent_id = line.split("=", 1)[1].strip()
        elif not line.strip():
            if rows:
                yield sent_id, text, rows
            rows = []
        elif not line.startswith("#"):
            cols = line.split("\t")
            if "-" not in cols[0] and "." not in cols[0]:
                rows.append(cols)


def ud_sentences(part: str | None = None):
    """UD Dutch (Alpino + LassySmall dev/test) sentences as (text, rows); ``part`` = "eval" keeps only the
    documents held out from training the spaCy model (models/train_nl.py split), so a parsed check is fair."""
    from models.train_nl import doc_id, part_of

    for path in sorted(UD.glob("*.conllu")):
        for sent_id, text, rows in _read_conllu(path):
            if part is None or part_of(path.name.split("-")[0] + ":" + doc_id(sent_id)) == part:
                yield text, rows


def ud_check(syntax, part: str | None = "eval") -> dict[str, float]:
    """An analyzer against UD Dutch gold: parts of speech, passive sentences (aux:pass), finite verbs and the
    maximum dependency length (parsed, or estimated without a parser), on the held-out eval documents."""
    from analyzer.syntax import Sentence, Token

    pos_ok = pos_n = tp = fp = fn = 0
    sdl, fin = [], []
    for text, rows in ud_sentences(part):
        gold, offset = [], 0
        for cols in rows:
            i = text.find(cols[1], offset)
            if i < 0:
                break
            gold.append((i, cols))
            offset = i + len(cols[1])
        if len(gold) != len(rows):
            continue
        ours = syntax.analyze(text)
        by_start = {t.start: t for s in ours for t in s.tokens}
        for i, cols in gold:
            tok = by_start.get(i)
            if tok is not None and cols[3] != "PUNCT":
                pos_n += 1
                pos_ok += tok.pos == cols[3] or (cols[3] == "AUX" and tok.pos == "VERB")
        gold_passive = any(cols[7] == "aux:pass" for _, cols in gold)
        our_passive = any(f.type == "passive" for f in find_all(ours, text))
        tp += gold_passive and our_passive
        fp += our_passive and not gold_passive
        fn += gold_passive and not our_passive
        if len(ours) == 1:
            tokens = tuple(
                Token(c[1], 0, 0, c[2], c[3], "", int(c[6]) - 1 if c[6] != "0" else k, c[7])
                for k, (_, c) in enumerate(gold)
            )
            lengths = rd.dep_lengths(Sentence(0, 0, tokens, True))
            ours_max = rd.sentence_stats(ours[0]).max_dep_length
            if len(lengths) >= 2 and ours_max is not None:
                sdl.append((ours_max, max(lengths)))
            fin.append((sum(t.is_finite for t in ours[0].tokens), sum("VerbForm=Fin" in c[5] for _, c in gold)))
    return {
        "pos_accuracy": pos_ok / pos_n,
        "tokens": pos_n,
        "passive_precision": tp / (tp + fp),
        "passive_recall": tp / (tp + fn),
        "gold_passive_sentences": tp + fn,
        "max_dep_length_pearson": statistics.correlation(*zip(*sdl)),
        "max_dep_length_mae": statistics.fmean(abs(a - b) for a, b in sdl),
        "finite_verbs_pearson": statistics.correlation(*zip(*fin)),
        "finite_verbs_exact": sum(a == b for a, b in fin) / len(fin),
    }


def pair_features(syntax) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Per pair side, the mean of its sentences' difficulty features (plus LiNT-II's content words per
    clause and minus its concrete-noun share), z-scored against ``REFERENCE_PARSED`` (the two LiNT features
    against their mean and SD over the held-out UD sentences); and the pairs, with the SD of ``difficulty``
    over the held-out UD sentences in column ``_ud_sd``."""
    from analyzer.b1 import rd_types

    def sentence_rows(text: str) -> list[dict[str, float]]:
        sentences = syntax.analyze(text)
        per = Counter((f.sentence, f.type) for f in find_all(sentences, text))
        rows = []
        for i, sentence in enumerate(sentences):
            stats = rd.sentence_stats(sentence)
            if not stats.n_words:
                continue
            row = rd.difficulty_features(stats, {t: per[(i, t)] for t in rd_types()})
            cwc, concrete = stats.content_words_per_clause, stats.concrete_proportion
            row["cwc"] = cwc if cwc is not None else 0.0
            row["neg_concrete"] = -(concrete if concrete is not None else 0.5)
            rows.append(row)
        return rows

    ud = pd.DataFrame([row for text, _ in ud_sentences("eval") for row in sentence_rows(text)])
    ref = {**rd.REFERENCE_PARSED, **{k: (ud[k].mean(), ud[k].std()) for k in ("cwc", "neg_concrete")}}
    pairs = pd.read_csv(PAIRS)

    def side(texts: pd.Series) -> pd.DataFrame:
        means = [pd.DataFrame(sentence_rows(t)).mean() for t in texts]
        return pd.DataFrame([{k: (m[k] - mu) / sd for k, (mu, sd) in ref.items()} for m in means])

    z_ud = pd.DataFrame({k: (ud[k] - mu) / sd for k, (mu, sd) in ref.items()})
    ud_sd = z_ud[list(rd.REFERENCE_PARSED)].sum(axis=1).std()  # SD of difficulty over UD sentences
    return side(pairs["Complex"]), side(pairs["Simple"]), pairs.assign(_ud_sd=ud_sd)


def plainness_scores(pairs: pd.DataFrame) -> tuple[dict[float, tuple[np.ndarray, np.ndarray]], dict[float, float]]:
    """A "plain public text" direction in USE space: logistic regression of sentences from RIVM's FAQ answers
    and the Signals e-mail templates (plain, written for citizens) against the UD Dutch sentences (news,
    Wikipedia). Returns, per regularisation C, the decision value of each pair side (higher = plainer) and
    the SD of the decision value over the UD sentences."""
    import re

    from sklearn.linear_model import LogisticRegression

    from analyzer.embed import get_embedder

    def split(text: str) -> list[str]:
        return [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if len(s.split()) >= 3 and "{" not in s]

    plain: list[str] = []
    for answer in pd.read_csv(SHARED / "eval/rivm-faq/rivm_faq.csv")["Answer"].dropna().unique():
        plain += split(str(answer))
    for path in sorted((SHARED / "eval/nl-letters-signals").glob("*.txt")):
        plain += split(path.read_text(encoding="utf-8"))
    plain = list(dict.fromkeys(plain))
    ud = [text for text, _ in ud_sentences(None)]
    embed = get_embedder().encode
    P, U = embed(plain), embed(ud)
    C_x, S_x = embed(pairs["Complex"].tolist()), embed(pairs["Simple"].tolist())
    X, y = np.vstack([P, U]), np.r_[np.ones(len(P)), np.zeros(len(U))]
    scores, sds = {}, {}
    for c in (0.1, 1.0, 10.0):
        model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000).fit(X, y)
        scores[c] = (model.decision_function(C_x), model.decision_function(S_x))
        sds[c] = float(model.decision_function(U).std())
    print(f"plain sentences: {len(plain)} (RIVM FAQ answers, Signals templates); UD sentences: {len(ud)}")
    return scores, sds


def ceiling(syntax) -> None:
    """How far a weighting of the difficulty features could go on the sentence pairs, and what an embedding
    direction learned from other data adds. A diagnostic: the fitted weights are printed, never used."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    zc, zs, pairs = pair_features(syntax)
    D = (zc - zs).to_numpy()  # positive: the complex side is harder
    names = list(zc.columns)
    docs = pairs["Document ID"].to_numpy()
    eight = len(rd.REFERENCE_PARSED)
    print(f"pairs: {len(D)}")
    print("| score | sentence pairs right | ties |\n|---|---:|---:|")
    for j, name in enumerate(names):
        print(f"| {name} alone | {np.mean(D[:, j] > 0):.3f} | {np.mean(D[:, j] == 0):.3f} |")
    unit = D[:, :eight].sum(1)
    print(f"| difficulty (unit weights, shipped) | {np.mean(unit > 0):.3f} | {np.mean(unit == 0):.3f} |")
    for k in (eight, len(names)):
        X = np.vstack([D[:, :k], -D[:, :k]])
        y, groups = np.r_[np.ones(len(D)), np.zeros(len(D))], np.r_[docs, docs]
        right = np.zeros(len(D), dtype=bool)
        for train, test in GroupKFold(6).split(X, y, groups):
            model = LogisticRegression(fit_intercept=False).fit(X[train], y[train])
            test = test[test < len(D)]
            right[test] = D[test, :k] @ model.coef_[0] > 0
        weights = LogisticRegression(fit_intercept=False).fit(X, y).coef_[0]
        shown = ", ".join(f"{n} {w:.2f}" for n, w in zip(names[:k], weights))
        print(f"| weights fitted on the pairs, {k} features, 6-fold CV by document | {right.mean():.3f} | |")
        print(f"  (weights fitted on all pairs: {shown})")
    scores, sds = plainness_scores(pairs)
    sd_d = float(pairs["_ud_sd"].iloc[0])
    print("\nplainness direction (USE; higher = plainer), alone and added to difficulty at unit weight (each")
    print(f"divided by its SD over UD sentences; difficulty SD {sd_d:.2f}); documents: means per Document ID")
    print("| C | alone: sentences | alone: documents | + difficulty: sentences | + difficulty: documents |")
    print("|---:|---:|---:|---:|---:|")
    for c, (pc, ps) in scores.items():
        frame = pd.DataFrame({"doc": docs, "diff": unit / sd_d, "plain": (ps - pc) / sds[c]})
        by_doc = frame.groupby("doc").mean()
        both = frame["diff"] + frame["plain"]
        print(f"| {c} | {np.mean(frame['plain'] > 0):.3f} | {np.mean(by_doc['plain'] > 0):.3f} | "
              f"{np.mean(both > 0):.3f} | {np.mean(by_doc['diff'] + by_doc['plain'] > 0):.3f} |")  # fmt: skip
    by_doc = pd.DataFrame({"doc": docs, "diff": unit}).groupby("doc").mean()
    print(f"difficulty alone, documents as means of their pairs: {np.mean(by_doc['diff'] > 0):.3f}")


def markdown(frame: pd.DataFrame) -> str:
    """A markdown table without the optional 'tabulate' dependency."""
    cells = [[f"{v:.2f}" if isinstance(v, float) else str(v) for v in row] for row in frame.itertuples(index=False)]
    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in cells])


def frog_texts() -> list[str]:
    pairs = pd.read_csv(PAIRS)
    texts = list(pairs["Complex"]) + list(pairs["Simple"])
    for side in ("Complex", "Simple"):
        texts += [sep.join(g) for sep in DOCUMENT_JOINS.values() for _, g in pairs.groupby("Document ID")[side]]
    texts += [line.split("\t")[0] for line in LEXICAL.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts += [read_letter(p).text for p in sorted((ROOT / "corpora/letters").glob("*.md"))]
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frog", action="store_true", help="also run with Frog (slow: minutes)")
    parser.add_argument("--reference", action="store_true", help="recompute the difficulty references from UD")
    parser.add_argument("--lint-golden", action="store_true", help="compare with LiNT-II's example features")
    parser.add_argument("--ud-check", action="store_true", help="tags, passives, SDL against UD Dutch gold")
    parser.add_argument("--ceiling", action="store_true", help="diagnostic: weights fitted on the pairs (never used)")
    args = parser.parse_args()
    if args.ceiling:
        ceiling(default_syntax())
        return
    analyzers = [default_syntax(), LexiconSyntax()] + ([FrogSyntax()] if args.frog else [])
    if args.ud_check:  # Frog is left out: its Alpino-style parse and CGN tags are not UD
        for syntax in analyzers[:2]:
            print(syntax.name, json.dumps({k: round(v, 3) for k, v in ud_check(syntax).items()}, indent=1))
        return
    if args.reference:
        print("REFERENCE", json.dumps(reference(LexiconSyntax(), None), indent=1))
        print("REFERENCE_PARSED", json.dumps(reference(default_syntax(), "eval"), indent=1))
        return
    if args.lint_golden:
        for syntax in analyzers:
            print(syntax.name, json.dumps({k: round(v, 3) for k, v in lint_golden(syntax).items()}, indent=1))
        return
    for syntax in analyzers:
        if isinstance(syntax, FrogSyntax):  # one Frog run for everything (it takes ~12 s to start)
            t0 = time.perf_counter()
            syntax.prepare(frog_texts())
            print(f"frog batch: {time.perf_counter() - t0:.0f} s")
        print(f"\n## {syntax.name}: Amsterdam complex->simple pairs (share where the simple side scores easier)")
        print("| metric | sentence pairs | documents (rows joined by line) | documents (joined by space) |")
        print("|---|---|---|---|")
        for metric, r in bench_pairs(syntax).items():
            print(f"| {metric} | {r['sentence']:.3f} | {r['document']:.3f} | {r['document_space']:.3f} |")
        lexical = bench_lexical(syntax)
        print(
            f"\nlexical simplification (n={lexical['n']}): flagged {lexical['flagged']:.3f}, "
            f"suggestion among listed alternatives {lexical['suggestion_listed']:.3f}"
        )
        frame, separated = bench_letters(syntax)
        print("\ndemo letters:\n" + markdown(frame))
        print(f"every officialese letter harder than every plain letter (difficulty, LiNT, Flesch-Douma): {separated}")
    print("\nspeed:", json.dumps({k: round(v, 3) for k, v in bench_speed(args.frog).items()}))


if __name__ == "__main__":
    main()
