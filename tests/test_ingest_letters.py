"""Letters (every format, front matter, placeholders, paragraphs) and the mailing log."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import write_csv

from analyzer.errors import InputError
from analyzer.ingest.letters import (
    is_boilerplate,
    normalise_placeholders,
    read_letter,
    read_letters,
    split_paragraphs,
    strip_markers,
)
from analyzer.ingest.mailings import read_mailings


def test_every_format_is_read(letters_dir: Path) -> None:
    batch = read_letters(letters_dir)
    assert len(batch.rejected) == 0
    letters = {letter.template_id: letter for letter in batch.letters}
    assert set(letters) == {"woz-beschikking", "grofvuil", "aanmaning", "paspoort-verloopt", "verhuizing"}
    assert {letter.format for letter in batch.letters} == {"md", "txt", "docx", "pdf", "odt"}

    woz = letters["woz-beschikking"]
    assert (woz.title, woz.department, woz.version, woz.kenmerk) == (
        "WOZ-beschikking 2027",
        "Belastingen",
        "2",
        "BEL/WOZ/2027",
    )
    assert woz.valid_from == dt.date(2026, 1, 1)
    assert "«naam»" in woz.text and "«bedrag»" in woz.text and "{{" not in woz.text

    docx_letter = letters["aanmaning"]
    assert docx_letter.title == "Aanmaning afvalstoffenheffing"
    assert docx_letter.department == "Belastingen"
    assert docx_letter.valid_from == dt.date(2026, 2, 1)
    assert docx_letter.kenmerk == "BEL/AANM"
    assert "«aanslagnummer»" in docx_letter.text

    assert letters["paspoort-verloopt"].title == "Paspoort verloopt"
    assert "Neem een pasfoto mee." in letters["paspoort-verloopt"].text
    assert letters["grofvuil"].title == "Afspraak grofvuil"  # first line when there is no metadata
    assert "«naam»" in letters["grofvuil"].text
    assert "verhuizing verwerkt" in letters["verhuizing"].text


def test_paragraphs_have_offsets_into_the_text(letters_dir: Path) -> None:
    batch = read_letters(letters_dir)
    paragraphs = batch.paragraphs_frame()
    woz = next(x for x in batch.letters if x.template_id == "woz-beschikking")
    rows = paragraphs[paragraphs["template_id"] == "woz-beschikking"]
    assert rows["paragraph_no"].tolist() == list(range(1, len(rows) + 1))
    assert len(rows) == 5
    value_para = rows.iloc[2]
    assert value_para["text"].startswith("De waarde van uw woning")
    assert "\n" not in value_para["text"]  # hard wraps joined
    assert woz.text[value_para["start_char"] : value_para["end_char"]].startswith("De waarde van uw woning")


def test_placeholder_spellings() -> None:
    text = "Beste {{ naam }}, {{voornaam}} [NAAM] <<adres>> {postcode} {% if x %}ja{% endif %} {{ bedrag_euro }}"
    out = normalise_placeholders(text)
    assert out == "Beste «naam», «voornaam» «naam» «adres» «postcode» ja «bedrag_euro»"
    assert strip_markers("Beste «naam», u krijgt «bedrag».") == "Beste , u krijgt ."


def test_split_paragraphs_edge_cases() -> None:
    assert split_paragraphs("") == []
    assert [p[2] for p in split_paragraphs("a\nb\n\n\nc")] == ["a b", "c"]


def test_bad_letter_files_are_quarantined_not_fatal(letters_dir: Path) -> None:
    (letters_dir / "kapot.docx").write_bytes(b"PK\x03\x04 niet echt")
    (letters_dir / "leeg.txt").write_text("   \n", encoding="utf-8")
    (letters_dir / "plaatje.png").write_bytes(b"\x89PNG")
    (letters_dir / "yaml.md").write_text("---\ntitle: [kapot\n---\ntekst\n", encoding="utf-8")
    (letters_dir / "README.md").write_text("# uitleg\n", encoding="utf-8")  # ignored, not a letter
    batch = read_letters(letters_dir)
    assert len(batch.letters) == 5
    assert batch.rows_in == len(batch.letters) + len(batch.rejected) == 9
    reasons = " | ".join(batch.rejected.frame()["reason"])
    assert "kapot.docx: kan niet gelezen worden: beschadigd of geen echt Word-bestand" in reasons
    assert "leeg.txt: bevat geen tekst" in reasons
    assert "plaatje.png: bestandstype .png wordt niet ondersteund" in reasons
    assert "yaml.md: front matter is geen geldige YAML" in reasons


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_text_letters_are_read(tmp_path: Path, encoding: str) -> None:
    text = "Geachte heer,\n\nWij hebben uw bezwaar over de WOZ-waarde ontvangen. Dat kost € 0."
    path = tmp_path / "brief.txt"
    path.write_bytes(text.encode(encoding))  # "utf-16" writes a byte order mark, the other two none
    assert read_letter(path).text == text
    assert read_letters(tmp_path).letters[0].template_id == "brief"
    path.write_bytes(b"\x00\x01\x02\x03" * 100)
    with pytest.raises(InputError, match="binaire inhoud"):
        read_letter(path)


def test_docx_tables_and_odt_headings_keep_their_place(tmp_path: Path) -> None:
    import docx
    from odf import text as odftext
    from odf.opendocument import OpenDocumentText

    document = docx.Document()
    document.add_paragraph("U betaalt in twee termijnen:")
    table = document.add_table(rows=2, cols=2)
    for r, (a, b) in enumerate([("1 maart", "€ 100"), ("1 april", "€ 100")]):
        table.rows[r].cells[0].text, table.rows[r].cells[1].text = a, b
    document.add_paragraph("Met vriendelijke groet,")
    document.save(tmp_path / "termijnen.docx")
    text = read_letter(tmp_path / "termijnen.docx").text
    # the table stays between the sentence that announces it and the closing (it came after the closing)
    assert text.index("termijnen:") < text.index("1 maart | € 100") < text.index("Met vriendelijke groet")
    odt = OpenDocumentText()
    odt.text.addElement(odftext.H(outlinelevel=1, text="Uw aanvraag"))
    odt.text.addElement(odftext.P(text="Wij hebben uw aanvraag ontvangen."))
    odt.save(str(tmp_path / "aanvraag.odt"))
    assert read_letter(tmp_path / "aanvraag.odt").text.startswith("Uw aanvraag")  # headings were dropped


def test_a_file_name_that_is_not_utf8_becomes_readable(tmp_path: Path) -> None:
    import os

    name = os.fsdecode(b"aanvraag_g\xe9\xe9n.txt")
    (tmp_path / name).write_text("Wij hebben uw aanvraag ontvangen.", encoding="utf-8")
    (tmp_path / os.fsdecode(b"kapot_\xe9.pdf")).write_bytes(b"%PDF-1.4 kapot")
    batch = read_letters(tmp_path)
    (letter,) = batch.letters
    assert letter.template_id == "aanvraag_géén" and letter.source_path.endswith("aanvraag_géén.txt")
    (reason,) = [row["reason"] for row in batch.rejected.rows]
    assert reason.startswith("kapot_é.pdf: ") and batch.rejected.frame()["reason"].str.encode("utf-8").notna().all()


def test_empty_or_missing_letters_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="brievenmap niet gevonden"):
        read_letters(tmp_path / "nergens")
    (tmp_path / "leeg").mkdir()
    with pytest.raises(InputError, match="geen brieven gevonden"):
        read_letters(tmp_path / "leeg")


def test_mailings_validation(tmp_path: Path) -> None:
    rows = [
        ["woz-beschikking", "2026-02-27", "1.250"],
        ["woz-beschikking", "27-02-2026", "250"],  # second batch, same day: summed
        ["onbekend-sjabloon", "2026-02-27", "10"],  # row 4
        ["grofvuil", "morgen", "10"],  # row 5
        ["grofvuil", "2026-03-01", "-3"],  # row 6
        ["grofvuil", "2026-03-01", "2,5"],  # row 7
        ["", "2026-03-01", "10"],  # row 8
        ["grofvuil", "2026-03-01", "0"],  # row 9
    ]
    path = write_csv(tmp_path / "mailings.csv", ["template_id", "sent_date", "count"], rows, delimiter=";")
    batch = read_mailings(path, {"woz-beschikking", "grofvuil"})
    assert batch.rows_in == len(rows) == len(batch.accepted) + len(batch.rejected)
    per_day = batch.per_day()
    assert per_day.to_dict("records")[0]["count"] == 1500
    assert len(per_day) == 1
    assert batch.repeated_rows() == []  # another batch of the same day, not a copied line
    assert batch.unknown_templates == ["onbekend-sjabloon"]
    rejected = batch.rejected.frame().set_index("source_row")
    assert rejected.loc[4, "reason"] == "sjabloon 'onbekend-sjabloon' staat niet in de brievenmap"
    assert rejected.loc[5, "column_name"] == "sent_date"
    assert {rejected.loc[i, "column_name"] for i in (6, 7, 9)} == {"count"}
    assert rejected.loc[8, "column_name"] == "template_id"


def test_a_line_repeated_in_the_mailing_log_is_added_and_reported(tmp_path: Path) -> None:
    rows = [["woz-beschikking", "2026-02-26", "100"], ["grofvuil", "2026-02-26", "100"],
            ["woz-beschikking", "2026-02-26", "100"]]  # fmt: skip
    batch = read_mailings(
        write_csv(tmp_path / "m.csv", ["template_id", "sent_date", "count"], rows), {"woz-beschikking", "grofvuil"}
    )
    assert batch.per_day().set_index("template_id").loc["woz-beschikking", "count"] == 200
    assert batch.repeated_rows() == [4]


def test_a_mistyped_template_id_gets_a_hint(tmp_path: Path) -> None:
    rows = [
        ["WOZ-Beschikking", "2026-02-27", "100"],
        ["woz-beschiking", "2026-02-27", "100"],
        ["brief-x", "2026-02-27", "1"],
    ]
    path = write_csv(tmp_path / "mailings.csv", ["template_id", "sent_date", "count"], rows)
    reasons = read_mailings(path, {"woz-beschikking", "grofvuil"}).rejected.frame()["reason"].tolist()
    assert reasons == [
        "sjabloon 'WOZ-Beschikking' staat niet in de brievenmap (bedoelt u 'woz-beschikking'?)",
        "sjabloon 'woz-beschiking' staat niet in de brievenmap (bedoelt u 'woz-beschikking'?)",
        "sjabloon 'brief-x' staat niet in de brievenmap",
    ]


@pytest.mark.parametrize(
    ("paragraph", "boilerplate"),
    [
        ("Geachte heer/mevrouw «naam»,", True),
        ("Beste bewoner,", True),
        ("Met vriendelijke groet,\nTeam Belastingen", True),
        ("Hoogachtend, namens het college van burgemeester en wethouders, de heffingsambtenaar", True),
        ("Dag en nacht is de milieustraat open voor grofvuil.", False),
        ("De waarde van uw woning is bepaald op 1 januari 2025.", False),
        ("Met vriendelijke groet, Team Afval. " + "Vergeet niet uw container op tijd buiten te zetten. " * 3, False),
    ],
)
def test_salutations_and_closings_are_boilerplate(paragraph: str, boilerplate: bool) -> None:
    assert is_boilerplate(paragraph) is boilerplate
