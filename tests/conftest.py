"""Shared fixtures: small input files written into tmp_path, a fresh store, a fast embedder."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from analyzer.embed import HashingEmbedder  # noqa: E402
from analyzer.settings import Settings  # noqa: E402
from analyzer.store import Store  # noqa: E402

CALL_HEADER = ["call_id", "timestamp", "text", "channel", "duration_s", "reason", "agent"]
CALL_ROWS = [
    ["C1", "2026-03-02 09:15", "kl. belt ivm brief WOZ, snapt waarde niet", "telefoon", "240", "Belastingen", "AG01"],
    ["C2", "02-03-2026 10:05", "mevr vraagt of aanslag in termijnen kan, uitgelegd", "telefoon", "180,5", "", "AG02"],
    ["C3", "2026-03-03T11:00:00", "vraag over grofvuil afspraak, verwezen naar website", "chat", "", "Afval", "AG01"],
    ["C4", "3-3-2026 14:30", "dhr wil weten wanneer pas klaar is", "balie", "95", "Burgerzaken", "AG03"],
]


def write_csv(
    path: Path, header: list[str], rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8"
) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_jsonl(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path.write_text(
        "\n".join(json.dumps(dict(zip(header, r)), ensure_ascii=False) for r in rows) + "\n", encoding="utf-8"
    )
    return path


def write_xlsx(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def write_pdf(path: Path, lines: list[str], title: str = "") -> Path:
    """A minimal valid PDF with one text line per entry (blank entries leave a gap)."""

    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = ["BT", "/F1 11 Tf", "14 TL", "72 760 Td"]
    for line in lines:
        ops.append(f"({esc(line)}) Tj T*" if line else "T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    info = f"<< /Title ({esc(title)}) >>".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        info,
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))
    return path


LETTER_MD = """---
title: WOZ-beschikking 2027
department: Belastingen
version: 2
valid_from: 2026-01-01
kenmerk: BEL/WOZ/2027
---
Geachte {{ naam }},

Hierbij ontvangt u de WOZ-beschikking voor uw woning aan de {{ adres }}.

De waarde van uw woning is vastgesteld op [BEDRAG]. Deze waarde is bepaald
aan de hand van verkoopprijzen van vergelijkbare woningen.

Bent u het niet eens met de waarde? Dan kunt u binnen zes weken bezwaar maken.

Met vriendelijke groet,
Team Belastingen
"""


@pytest.fixture
def letters_dir(tmp_path: Path) -> Path:
    """A letters folder with one letter in every supported format."""
    import docx
    from odf import text as odftext
    from odf.opendocument import OpenDocumentText

    folder = tmp_path / "letters"
    folder.mkdir()
    (folder / "woz-beschikking.md").write_text(LETTER_MD, encoding="utf-8")
    (folder / "grofvuil.txt").write_text(
        "Afspraak grofvuil\n\nBeste [NAAM],\n\nWij halen uw grofvuil op [DATUM].\n\nZet het om 7.00 uur buiten.\n",
        encoding="cp1252",
    )
    document = docx.Document()
    document.core_properties.title = "Aanmaning afvalstoffenheffing"
    document.core_properties.category = "Belastingen"
    document.core_properties.comments = "valid_from: 01-02-2026\nkenmerk: BEL/AANM"
    for para in [
        "Geachte heer/mevrouw,",
        "U heeft de aanslag {{ aanslagnummer }} nog niet betaald.",
        "Indien u niet binnen 14 dagen betaalt, worden er kosten in rekening gebracht.",
    ]:
        document.add_paragraph(para)
    document.save(folder / "aanmaning.docx")
    write_pdf(
        folder / "paspoort-verloopt.pdf",
        ["Uw paspoort verloopt binnenkort.", "", "Maak op tijd een afspraak.", "Neem een pasfoto mee."],
        title="Paspoort verloopt",
    )
    odt = OpenDocumentText()
    for para in ["Bevestiging verhuizing", "Wij hebben uw verhuizing verwerkt."]:
        odt.text.addElement(odftext.P(text=para))
    odt.save(str(folder / "verhuizing.odt"))
    return folder


@pytest.fixture
def mailings_csv(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "mailings.csv",
        ["template_id", "sent_date", "count"],
        [
            ["woz-beschikking", "2026-02-27", "1.250"],
            ["grofvuil", "01-03-2026", "300"],
            ["aanmaning", "2026-03-01", "80"],
        ],
    )


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "test.duckdb") as s:
        yield s


@pytest.fixture
def embedder() -> HashingEmbedder:
    return HashingEmbedder(64)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(store_path=str(tmp_path / "test.duckdb"), embedding_model="hashing-64", use_deduce=False)
