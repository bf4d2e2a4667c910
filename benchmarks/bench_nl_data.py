"""How much would more data help the Dutch spaCy pipeline (issue 7)? Two experiments, not run in CI.

    python benchmarks/bench_nl_data.py learning-curve   # train on 25% and 50% of the UD train part (~50 min)
    python benchmarks/bench_nl_data.py pretrain         # tok2vec pretrained on Dutch help texts, 2 seeds (~90 min)
    python benchmarks/bench_nl_data.py table            # print the table from the saved scores

Both use what ``python models/train_nl.py`` builds in build/nl_ud (the split corpus and the static
vectors; run ``python models/train_nl.py vectors`` first if build/nl_ud/corpus is missing), train with
the committed ``models/nl_ud/config.cfg`` for 4,200 steps on one pinned core, pick ``model-best`` on
dev and score it on the held-out eval part with ``spacy evaluate``, like the committed model.

**learning-curve**: the train part cut to 25% and 50% by groups of 10 consecutive sentences (every
4th or every 2nd group), so that documents stay mostly whole. The static vectors are the committed
ones (built from the whole train part), which if anything flatters the smaller runs.

**pretrain**: ``spacy pretrain`` (characters objective, 6 epochs) of the tok2vec on Dutch running text
that Debian ships as documentation packages (``apt-get download``, nothing installed; Debian 12):
libreoffice-help-nl (MPL-2.0), gimp-help-nl (GFDL-1.2+), debian-edu-doc-nl (GPL-2+), debian-faq-nl
(Debian FAQ notice), aptitude-doc-nl (GPL-2+): every HTML paragraph, list item or heading of at least
four words, once, about 43,000 paragraphs and 930,000 words of instructions addressed to the reader.
Then the pipeline is trained from those weights (``--paths.init_tok2vec``) with seeds 0 and 1.
Scores are written to build/nl_ud/data_experiments/*.json.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "models"))
import train_nl  # noqa: E402  (models/train_nl.py: paths, UD reading)

OUT = train_nl.BUILD / "data_experiments"
CORPUS = train_nl.BUILD / "corpus"
DEBIAN_PACKAGES = {
    "libreoffice-help-nl": "MPL-2.0",
    "gimp-help-nl": "GFDL-1.2+",
    "debian-edu-doc-nl": "GPL-2+",
    "debian-faq-nl": "Debian FAQ permission notice",
    "aptitude-doc-nl": "GPL-2+",
}
ONE_CORE = ["taskset", "-c", "1"] if os.cpu_count() and os.cpu_count() > 1 else []
ENV = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def spacy(*args: str) -> None:
    print("+ spacy", " ".join(args), flush=True)
    subprocess.run([*ONE_CORE, sys.executable, "-m", "spacy", *args], check=True, env=ENV)


def train_and_score(name: str, config: Path, train: Path, *extra: str) -> dict:
    """Train (4,200 steps, model-best on dev) and score on the eval part; save and return the scores."""
    out = OUT / name
    spacy("train", str(config), "--output", str(out), "--paths.train", str(train),
          "--paths.dev", str(CORPUS / "dev.spacy"), "--paths.vectors", str(train_nl.VECTORS),
          "--training.max_steps", "4200", *extra)  # fmt: skip
    scores_path = OUT / f"{name}.json"
    spacy("evaluate", str(out / "model-best"), str(CORPUS / "eval.spacy"), "--output", str(scores_path))
    return json.loads(scores_path.read_text())


def subset(fraction: int) -> Path:
    """Every ``fraction``-th group of 10 consecutive train sentences, converted for spaCy."""
    blocks = train_nl.read_conllu_blocks(CORPUS / "train.conllu")
    keep = [block for i, (_, block) in enumerate(blocks) if (i // 10) % fraction == 0]
    conllu = OUT / f"train_1of{fraction}.conllu"
    conllu.write_text("\n\n".join(keep) + "\n\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "spacy", "convert", str(conllu), str(OUT), "--converter", "conllu",
                    "-n", str(train_nl.SENTS_PER_DOC)], check=True)  # fmt: skip
    print(f"1/{fraction} of the train part: {len(keep)} of {len(blocks)} sentences", flush=True)
    return conllu.with_suffix(".spacy")


def learning_curve() -> None:
    for fraction in (2, 4):
        train_and_score(f"train_1of{fraction}", train_nl.CONFIG, subset(fraction))


def debian_text(dest: Path) -> Path:
    """Fetch the packages, keep their paragraphs once, shuffle (seed 0), write 8 to a JSONL line."""
    import lxml.html  # a dependency of python-docx

    debs = dest / "deb"
    debs.mkdir(parents=True, exist_ok=True)
    subprocess.run(["apt-get", "download", *DEBIAN_PACKAGES], cwd=debs, check=True)
    for deb in sorted(debs.glob("*.deb")):
        subprocess.run(["dpkg-deb", "-x", str(deb), str(dest / "root")], check=True)
    seen: dict[str, None] = {}
    for path in sorted((dest / "root").rglob("*.html")):
        try:
            page = lxml.html.fromstring(path.read_bytes())
        except (ValueError, lxml.etree.ParserError):
            continue
        for skipped in page.xpath("//script|//style|//pre|//code|//table"):
            skipped.drop_tree()
        for element in page.xpath("//p|//li|//dd|//h1|//h2|//h3"):
            text = " ".join(element.text_content().split())
            if len(text.split()) >= 4:
                seen.setdefault(text, None)
    texts = list(seen)
    random.Random(0).shuffle(texts)
    raw = dest / "raw.jsonl"
    with raw.open("w", encoding="utf-8") as f:
        for i in range(0, len(texts), 8):
            f.write(json.dumps({"text": " ".join(texts[i : i + 8])}, ensure_ascii=False) + "\n")
    print(f"{len(texts)} paragraphs, {sum(len(t.split()) for t in texts)} words -> {raw}", flush=True)
    return raw


def pretrain() -> None:
    raw = debian_text(OUT / "debian")
    config = OUT / "config_pretrain.cfg"  # the committed config with spaCy's default [pretraining] block
    spacy("init", "fill-config", str(train_nl.CONFIG), str(config), "--pretraining")
    weights = OUT / "pretrained"
    spacy("pretrain", str(config), str(weights), "--paths.raw_text", str(raw), "--paths.vectors",
          str(train_nl.VECTORS), "--pretraining.max_epochs", "6")  # fmt: skip
    for seed in ("0", "1"):
        train_and_score(f"pretrained_seed{seed}", config, CORPUS / "train.spacy",
                        "--paths.init_tok2vec", str(weights / "model-last.bin"), "--system.seed", seed)  # fmt: skip


def table() -> None:
    keys = [("pos_acc", "UPOS"), ("tag_acc", "XPOS"), ("morph_acc", "morphology"), ("dep_uas", "UAS"),
            ("dep_las", "LAS")]  # fmt: skip
    print("| run | " + " | ".join(label for _, label in keys) + " |")
    print("|---|" + "---:|" * len(keys))
    for path in sorted(OUT.glob("*.json")):
        scores = json.loads(path.read_text())
        print(f"| {path.stem} | " + " | ".join(f"{100 * scores[k]:.2f}" for k, _ in keys) + " |")


def main(argv: list[str]) -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    if not (CORPUS / "eval.spacy").exists() or not train_nl.VECTORS.exists():
        print("build/nl_ud is missing its corpus or vectors: run python models/train_nl.py vectors first")
        return 2
    commands = {"learning-curve": learning_curve, "pretrain": pretrain, "table": table}
    if not argv or argv[0] not in commands:
        print(__doc__)
        return 2
    commands[argv[0]]()
    if argv[0] != "table":
        table()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
