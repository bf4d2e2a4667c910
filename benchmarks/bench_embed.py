"""Embedding throughput of the default model on contact-centre notes (KCC notes).

Prints markdown tables to stdout:

* load: import time of ``analyzer.embed``, model load time, first (warm-up) batch;
* notes per second at batch sizes 32, 64 and 128, with the ratio to the 400 notes/s target;
* the store's embedding cache (``analyzer.store`` + ``CachedEmbedder``, temp DuckDB file): a
  first pass, a second pass over the same notes, and a third after reopening the file (skipped
  with a note while ``analyzer.store`` does not exist);
* input length: time per text and cosine to the full text for 50 .. 2,000 words, which shows
  whether the model truncates long transcripts;
* with ``--threads-matrix``: raw USE sessions with 1 or 2 onnxruntime threads, spin-waiting on
  or off (the default spins, which costs dearly when other work shares the cores);
* peak RSS of the process.

The notes come from ``corpora/generated/calls.csv`` (column ``text``) when that file exists, else
from :func:`generate_notes`, a seeded generator of notes-like Dutch strings (5-40 words).

Run:  python benchmarks/bench_embed.py [--n 5000] [--threads 2] [--model use-multilingual-v3-onnx-q]
      [--batch-sizes 32,64,128] [--repeats 3] [--generated] [--skip-cache] [--skip-length]
      [--threads-matrix]

Offline only: HF_HUB_OFFLINE is set before anything can reach a model hub.
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import argparse
import platform
import random
import resource
import shlex
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

CALLS_CSV = REPO / "corpora" / "generated" / "calls.csv"
TARGET_NOTES_PER_S = 400.0
DEFAULT_BATCH_SIZES = (32, 64, 128)

# --------------------------------------------------------------------------- notes-like text

# Fragments in the telegram style of KCC notes: abbreviations, no capitals, municipal topics.
# fmt: off
_WHO = ["kl.", "klant", "mevr", "mevr.", "dhr", "dhr.", "bewoner", "beller", "burger", "zoon van kl.",
    "dochter van mevr", "bewindvoerder van dhr", "ondernemer", "huurder"]
_ASKS = ["belt ivm", "vraagt naar", "belt over", "heeft vraag over", "belt nav", "mailt over", "wil info over",
    "belt terug over", "is boos over", "begrijpt niets van", "snapt niks van"]
_TOPICS = ["brief WOZ", "WOZ-beschikking", "aanslag gemeentelijke belastingen", "afvalstoffenheffing",
    "rioolheffing", "aanmaning", "herinnering", "dwangbevel", "kwijtschelding", "betalingsregeling", "paspoort",
    "id-kaart", "rijbewijs", "uittreksel BRP", "verhuizing", "parkeervergunning", "bezoekersregeling parkeren",
    "grofvuil", "container", "gft-bak", "bijstandsuitkering", "energietoeslag", "Wmo-aanvraag",
    "huishoudelijke hulp", "leerlingenvervoer", "omgevingsvergunning", "bezwaar", "hondenbelasting",
    "toeristenbelasting", "brief over herindicatie", "brief participatiewet", "inlichtingenplicht", "DigiD",
    "mijn-omgeving", "afspraak stadsloket", "brief over bijzondere bijstand"]
_PROBLEMS = ["snapt waarde niet", "begrijpt brief niet", "weet niet wat hij moet doen", "weet niet wat ze moet doen",
    "vindt bedrag te hoog", "heeft al betaald", "geen reactie gehad op mail", "brief te ingewikkeld",
    "termijn onduidelijk", "weet niet welke documenten nodig", "dacht dat het automatisch ging", "kan niet inloggen",
    "bedrag klopt niet volgens kl.", "snapt verschil met vorig jaar niet", "wil weten waarom verhoging",
    "leest geen nederlands goed", "brief kwam te laat", "zegt dat hij brief nooit ontvangen heeft",
    "vraagt wanneer pas klaar is", "vraagt of container vervangen kan worden",
    "wil bezwaar maken maar weet niet hoe"]
_ACTIONS = ["uitgelegd", "uitleg gegeven", "doorverbonden met team belastingen", "terugbelverzoek aangemaakt",
    "verwezen naar website", "mail gestuurd met info", "afspraak gemaakt", "doorgezet naar backoffice",
    "formulier toegestuurd", "kl. belt zelf terug", "melding aangemaakt", "kl. tevreden", "kl. niet tevreden",
    "gevraagd om bsn, niet gegeven", "uitgelegd hoe bezwaar werkt", "termijn genoemd"]
_EXTRA = ["kl. was erg boos", "3e keer dat kl. belt", "lange wachttijd gehad", "spreekt slecht nederlands",
    "tolk via telefoon", "ref nr {n}", "brief van {d} maart", "bedrag EUR {a}", "ivm overlijden partner",
    "woont sinds {d} jaar op adres", "wil klacht indienen", "heeft schulden", "op vakantie geweest"]
# fmt: on


def generate_notes(n: int, seed: int = 13) -> list[str]:
    """``n`` notes-like Dutch strings of 5-40 words, the same ones for the same seed."""
    rng = random.Random(seed)
    notes = []
    for _ in range(n):
        parts = [f"{rng.choice(_WHO)} {rng.choice(_ASKS)} {rng.choice(_TOPICS)}"]
        if rng.random() < 0.85:
            parts.append(rng.choice(_PROBLEMS))
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3, 5])):
            pool = _EXTRA if rng.random() < 0.5 else _PROBLEMS + _TOPICS
            parts.append(
                rng.choice(pool).format(
                    n=rng.randint(10000, 99999),
                    d=rng.randint(2, 28),
                    a=f"{rng.randint(20, 1400)},{rng.randint(0, 99):02d}",
                )
            )
        if rng.random() < 0.8:
            parts.append(rng.choice(_ACTIONS))
        sep = rng.choice([", ", ". ", " - ", "; "])
        words = sep.join(parts).split()
        notes.append(" ".join(words[:40]))
    return notes


def load_notes(n: int, prefer_calls: bool = True) -> tuple[list[str], str]:
    """First ``n`` note texts and where they came from (the calls corpus or the generator)."""
    if prefer_calls and CALLS_CSV.is_file():
        import pandas as pd

        texts = pd.read_csv(CALLS_CSV, usecols=["text"], nrows=n)["text"].fillna("").astype(str).tolist()
        if len(texts) >= n:
            return texts, f"{CALLS_CSV.relative_to(REPO)} (first {n} rows, column text)"
        source = f"{CALLS_CSV.relative_to(REPO)} ({len(texts)} rows, topped up with generated notes)"
        return texts + generate_notes(n - len(texts)), source
    return generate_notes(n), f"generate_notes(n={n}, seed=13) in benchmarks/bench_embed.py"


# --------------------------------------------------------------------------- helpers


def machine_info() -> str:
    """One line on the machine and the libraries that decide the speed."""
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 2**20:.0f} GiB"
    except OSError:
        pass
    versions = []
    for mod in ("onnxruntime", "torch", "sentence_transformers"):
        try:
            versions.append(f"{mod} {__import__(mod).__version__}")
        except ImportError:
            versions.append(f"{mod} missing")
    cpu = platform.processor() or platform.machine()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} CPU cores ({cpu}), {mem} RAM, no GPU; load average {load} at start; "
        f"Python {platform.python_version()}; " + ", ".join(versions)
    )


def command_line() -> str:
    return "python " + " ".join(shlex.quote(a) for a in [os.path.relpath(sys.argv[0], REPO), *sys.argv[1:]])


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_embedder(model_id: str, threads: int | None = None) -> Any:
    """An embedder by model id; ``threads`` sets onnxruntime's or torch's intra-op threads."""
    from analyzer import embed

    if model_id == embed.USE_MODEL_ID:
        return embed.load_use_embedder(threads=threads)
    if threads:
        import torch

        torch.set_num_threads(threads)
    return embed.get_embedder(model_id)


def model_threads(embedder: Any) -> int | None:
    """Intra-op threads the embedder runs with (onnxruntime module setting, else torch's)."""
    model = getattr(embedder, "model", None)
    if model is None:
        return None
    first = model[0]
    if hasattr(first, "threads"):
        return int(first.threads)
    import torch

    return torch.get_num_threads()


def notes_per_second(embedder: Any, texts: Sequence[str], batch_size: int, repeats: int = 1) -> list[float]:
    """Notes/s of ``repeats`` full ``encode`` passes over ``texts``, sorted (take the median)."""
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        vectors = embedder.encode(texts, batch_size=batch_size)
        seconds = time.perf_counter() - start
        assert vectors.shape[0] == len(texts)
        rates.append(len(texts) / seconds)
    return sorted(rates)


# --------------------------------------------------------------------------- sections


def bench_batches(embedder: Any, texts: Sequence[str], batch_sizes: Sequence[int], repeats: int) -> None:
    mean_words = statistics.mean(len(t.split()) for t in texts)
    print(f"\n### Throughput ({len(texts)} notes, mean {mean_words:.1f} words; median of {repeats} passes)\n")
    print("| batch size | notes/s (median) | min-max notes/s | ratio to target 400 notes/s |")
    print("|---:|---:|---:|---:|")
    for bs in batch_sizes:
        rates = notes_per_second(embedder, texts, bs, repeats)
        median = statistics.median(rates)
        print(
            f"| {bs} | {median:.0f} | {rates[0]:.0f}-{rates[-1]:.0f} | {median / TARGET_NOTES_PER_S:.2f} |",
            flush=True,
        )


def bench_cache(embedder: Any, texts: Sequence[str], batch_size: int) -> None:
    print("\n### Embedding cache (analyzer.store + CachedEmbedder, temp DuckDB file)\n")
    try:
        from analyzer.store import Store
    except ImportError as exc:
        print(f"Skipped: analyzer.store is not there yet ({exc}).")
        return
    from analyzer.embed import CachedEmbedder

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        print("| pass | seconds | notes/s | texts embedded by the model |")
        print("|---|---:|---:|---:|")
        passes = [
            ("first (empty cache)", False),
            ("second (same notes, same store)", False),
            ("third (same notes, store file reopened)", True),
        ]
        results = []
        store = Store(path)
        try:
            for label, reopen in passes:
                if reopen:
                    store.close()
                    store = Store(path)
                cached = CachedEmbedder(embedder, store)
                start = time.perf_counter()
                results.append(cached.encode(texts, batch_size=batch_size))
                seconds = time.perf_counter() - start
                print(f"| {label} | {seconds:.2f} | {len(texts) / seconds:.0f} | {cached.computed} |", flush=True)
        finally:
            store.close()
        same = all(np.allclose(results[0], r, atol=1e-6) for r in results[1:])
        size = sum(f.stat().st_size for f in Path(tmp).iterdir()) / 2**20
        print(
            f"\nLater passes return the same vectors: {same}; DuckDB file {size:.1f} MiB after closing "
            f"({len(set(texts))} distinct texts, {results[0].shape[1]} float32 each)."
        )


def bench_ort_threads(texts: Sequence[str], batch_size: int = 64, rounds: int = 3) -> None:
    """USE v3 raw onnxruntime sessions: 1 or 2 intra-op threads, with and without spin-waiting.

    Rounds interleave the four set-ups, so a change in machine load hits them all alike.
    """
    import onnxruntime as ort
    from onnxruntime_extensions import get_library_path

    from analyzer.embed import use_model_path

    print(f"\n### onnxruntime threads (USE v3 session without sentence-transformers, batch {batch_size})\n")

    def session(threads: int, spinning: bool) -> Any:
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        options.register_custom_ops_library(get_library_path())
        options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spinning else "0")
        return ort.InferenceSession(str(use_model_path()), options, providers=["CPUExecutionProvider"])

    setups = {(t, spin): session(t, spin) for t in (1, 2) for spin in (True, False)}
    rates: dict[tuple[int, bool], list[float]] = {key: [] for key in setups}
    for _ in range(rounds):
        for key, sess in setups.items():
            start = time.perf_counter()
            for i in range(0, len(texts), batch_size):
                sess.run(["outputs"], {"inputs": list(texts[i : i + batch_size])})
            rates[key].append(len(texts) / (time.perf_counter() - start))
    print("| intra-op threads | spin-waiting | notes/s (median) | min-max |")
    print("|---:|---|---:|---:|")
    for (threads, spinning), values in rates.items():
        values.sort()
        print(
            f"| {threads} | {'on (onnxruntime default)' if spinning else 'off'} | {statistics.median(values):.0f} "
            f"| {values[0]:.0f}-{values[-1]:.0f} |"
        )


def bench_length(
    embedder: Any, texts: Sequence[str], word_counts: Sequence[int] = (20, 50, 100, 200, 500, 1000, 2000)
) -> None:
    """Time per single text and cosine to the full-length text, by input length."""
    print("\n### Input length (one text per call, median of 3)\n")
    words = " ".join(texts).split()
    longest = max(word_counts)
    full = " ".join(words[:longest])
    full_vec = embedder.encode([full], batch_size=1)[0]
    print(f"| words | characters | ms per text | cosine to the {longest}-word text |")
    print("|---:|---:|---:|---:|")
    for count in word_counts:
        text = " ".join(words[:count])
        runs = []
        vec = None
        for _ in range(3):
            start = time.perf_counter()
            vec = embedder.encode([text], batch_size=1)[0]
            runs.append(time.perf_counter() - start)
        print(
            f"| {count} | {len(text)} | {1000 * statistics.median(runs):.1f} | {float(vec @ full_vec):.3f} |",
            flush=True,
        )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=5000, help="number of notes (default 5000)")
    parser.add_argument("--threads", type=int, default=None, help="intra-op threads (default: the model's own)")
    parser.add_argument("--model", default="use-multilingual-v3-onnx-q", help="model id (analyzer.embed)")
    parser.add_argument("--batch-sizes", default=",".join(map(str, DEFAULT_BATCH_SIZES)))
    parser.add_argument("--generated", action="store_true", help="use generated notes even if calls.csv exists")
    parser.add_argument("--repeats", type=int, default=3, help="timed passes per batch size (median)")
    parser.add_argument("--skip-cache", action="store_true")
    parser.add_argument("--skip-length", action="store_true")
    parser.add_argument(
        "--threads-matrix", action="store_true", help="also time raw USE sessions: 1/2 threads, spinning on/off"
    )
    args = parser.parse_args(argv)
    batch_sizes = [int(b) for b in args.batch_sizes.split(",")]

    print(f"## Embedding benchmark: {args.model}\n")
    print(f"Command: `{command_line()}`  ")
    start = time.perf_counter()
    import analyzer.embed  # noqa: F401  (sentence-transformers and torch load with the model)

    import_s = time.perf_counter() - start
    print(f"Machine: {machine_info()}  ")
    texts, source = load_notes(args.n, prefer_calls=not args.generated)
    print(f"Notes: {source}")

    start = time.perf_counter()
    embedder = load_embedder(args.model, args.threads)
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    embedder.encode(texts[: batch_sizes[0]], batch_size=batch_sizes[0])
    warm_s = time.perf_counter() - start
    threads = model_threads(embedder)
    print("\n### First load\n")
    print("| step | seconds |")
    print("|---|---:|")
    print(f"| import analyzer.embed | {import_s:.2f} |")
    print(
        f"| load model ({args.model}{f', {threads} threads' if threads else ''}; "
        f"includes importing sentence-transformers and torch) | {load_s:.2f} |"
    )
    print(f"| first batch of {batch_sizes[0]} (warm-up) | {warm_s:.2f} |")
    print(f"| total until the first vectors | {import_s + load_s + warm_s:.2f} |")
    print(f"\nPeak RSS after load: {peak_rss_mib():.0f} MiB")

    bench_batches(embedder, texts, batch_sizes, args.repeats)
    if not args.skip_cache:
        bench_cache(embedder, texts, 64)
    if not args.skip_length:
        bench_length(embedder, texts)
    if args.threads_matrix and args.model == "use-multilingual-v3-onnx-q":
        bench_ort_threads(texts[:2000])
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nPeak RSS of the whole run: {peak_rss_mib():.0f} MiB; load average {load} at the end.")


if __name__ == "__main__":
    main()
