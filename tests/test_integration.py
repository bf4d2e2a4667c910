"""Real components end to end: the packaged embedding model, deduce, and a DuckDB file on disk.

The stored file is scanned for the personal data planted in the notes: through SQL over every
text column, and as raw bytes of the database file (with a control word that must be found, so
the byte scan is known to see stored text).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pytest
from conftest import CALL_HEADER, write_csv
from test_cli import _embedded_texts, _stored_keys

from analyzer.embed import USE_MODEL_ID, get_embedder, use_model_path
from analyzer.store import Store

pytestmark = pytest.mark.model

CONTROL = "Controlewoordxyzzy"
PLANTED = {
    "name": "Jacqueline Verhoeven",
    "name2": "Bakhuizen",
    "bsn": "111222333",
    "bsn_dotted": "1234.56.782",
    "iban": "NL91ABNA0417164300",
    "iban_spaced": "NL20 INGB 0001 2345 67",
    "phone": "06-12345678",
    "phone2": "+31 20 624 1111",
    "email": "j.verhoeven@example.nl",
    "street": "Rozengracht 118",
    "postcode": "1016 NH",
    "plate": "12-ABC-3",
    "dob": "14-02-1961",
}
NOTES = [
    f"mevr. {PLANTED['name']} belt ivm brief WOZ, snapt waarde niet. {CONTROL}",
    f"dhr {PLANTED['name2']} wil termijnbetaling, bsn {PLANTED['bsn']}, rek {PLANTED['iban']}",
    f"kl. geeft BSN {PLANTED['bsn_dotted']} door, vraagt naar kwijtschelding",
    f"terugbetaling op {PLANTED['iban_spaced']} gevraagd, bel terug op {PLANTED['phone']}",
    f"mail naar {PLANTED['email']} gestuurd, tel {PLANTED['phone2']}",
    f"woont {PLANTED['street']}, {PLANTED['postcode']} Amsterdam, grofvuil niet opgehaald",
    f"parkeervergunning voor kenteken {PLANTED['plate']}, geb. {PLANTED['dob']}",
    "vraag over aanslag afvalstoffenheffing, uitgelegd",
]


@pytest.fixture(scope="module")
def analysed(tmp_path_factory, request) -> Path:
    if not use_model_path().is_file():
        pytest.fail(f"embedding model missing at {use_model_path()}: run scripts/setup.sh")
    tmp = tmp_path_factory.mktemp("real")
    letters = tmp / "letters"
    letters.mkdir()
    (letters / "woz.md").write_text(
        "---\ntitle: WOZ\n---\nDe waarde van uw woning is vastgesteld.\n\nU kunt bezwaar maken binnen zes weken.\n",
        encoding="utf-8",
    )
    mailings = write_csv(tmp / "mailings.csv", ["template_id", "sent_date", "count"], [["woz", "2026-02-27", "100"]])
    rows = [[f"P{i}", f"2026-03-0{1 + i % 5} 10:00", note, "telefoon", "60", "", ""] for i, note in enumerate(NOTES)]
    rows.append(["BAD", "geen datum", f"kapot, {PLANTED['name']} bsn {PLANTED['bsn']}", "", "", "", ""])
    calls = write_csv(tmp / "calls.csv", CALL_HEADER, rows)
    store = tmp / "echt.duckdb"
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "analyzer.cli",
            "analyze",
            "--calls",
            str(calls),
            "--letters",
            str(letters),
            "--mailings",
            str(mailings),
            "--store",
            str(store),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return store


def test_no_planted_personal_data_in_the_store(analysed: Path) -> None:
    con = duckdb.connect(str(analysed), read_only=True)
    texts: list[str] = []
    tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
    for table in tables:
        columns = con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? AND data_type = 'VARCHAR'",
            [table],
        ).fetchall()
        for (column,) in columns:
            texts += [str(v) for (v,) in con.execute(f'SELECT "{column}" FROM "{table}"').fetchall() if v]
    con.close()
    dump = "\n".join(texts)
    assert CONTROL in dump  # the notes really are in there
    assert "kapot" in dump  # and so is the quarantined row
    for kind, value in PLANTED.items():
        assert value not in dump, f"{kind} survived: {value}"
        assert value.replace(" ", "") not in dump.replace(" ", ""), f"{kind} survived without spaces"
    for placeholder in (
        "[NAAM]",
        "[BSN]",
        "[IBAN]",
        "[TELEFOON]",
        "[EMAIL]",
        "[ADRES]",
        "[POSTCODE]",
        "[KENTEKEN]",
        "[GEBOORTEDATUM]",
    ):
        assert placeholder in dump, placeholder

    raw = analysed.read_bytes()
    wal = analysed.with_name(analysed.name + ".wal")
    if wal.exists():
        raw += wal.read_bytes()
    assert CONTROL.encode() in raw, "byte scan cannot see stored text (compressed?)"
    for kind, value in PLANTED.items():
        assert value.encode() not in raw, f"{kind} found in the database file bytes"


def test_real_embeddings_are_stored_and_meaningful(analysed: Path) -> None:
    with Store(analysed, read_only=True) as store:
        assert _embedded_texts(store) <= _stored_keys(store)
        model_ids = {r[0] for r in store.con.execute("SELECT DISTINCT model_id FROM embeddings").fetchall()}
    assert model_ids == {USE_MODEL_ID}


def test_packaged_model_understands_dutch() -> None:
    embedder = get_embedder(USE_MODEL_ID)
    vectors = embedder.encode(
        [
            "kl. belt ivm brief WOZ, snapt de waarde van zijn huis niet",
            "vraag over de WOZ-waarde van de woning",
            "grofvuil is niet opgehaald, container staat nog buiten",
        ]
    )
    assert vectors.shape == (3, 512) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    sims = vectors @ vectors.T
    assert sims[0, 1] > sims[0, 2] + 0.1
