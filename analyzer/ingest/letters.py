"""Read a folder of letter templates: .txt, .md, .docx, .pdf, .odt; template id = file stem.

Metadata (title, department, version, valid_from, kenmerk) comes from YAML front matter in .txt
and .md files, from the document properties of .docx/.odt/.pdf, and may also be given as
``key: value`` lines in a docx's comments property. Template placeholders in any of the usual
spellings (``{{ naam }}``, ``[NAAM]``, ``{naam}``, ``<<naam>>``) become one marker ``«naam»``, so
later steps can leave them out of word counts and embeddings; Django/Jinja control tags
(``{% if %}``) are removed.

A file that cannot be read goes to the quarantine with the reason; the other letters go on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from analyzer.errors import InputError, printable
from analyzer.ingest.quarantine import Rejections

LETTER_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".odt")
IGNORED_NAMES = {"readme.md", "readme.txt", ".ds_store", "thumbs.db"}

PLACEHOLDER_RE = re.compile(
    r"\{\{\s*(?P<a>[^{}]{1,60}?)\s*\}\}"  # {{ naam }}
    r"|\[(?P<b>[A-Za-z][A-Za-z0-9_ .-]{0,40})\]"  # [NAAM], [datum brief]
    r"|<<\s*(?P<c>[^<>]{1,60}?)\s*>>"  # <<naam>>
    r"|(?<![{\w])\{(?P<d>[A-Za-z_][A-Za-z0-9_ ]{0,40})\}(?!\})"  # {naam}
)
CONTROL_TAG_RE = re.compile(r"\{%.*?%\}|\{#.*?#\}", re.S)
MARKER_RE = re.compile(r"«[^«»]+»")


@dataclass
class Letter:
    template_id: str
    source_path: str
    format: str
    text: str
    title: str
    department: str | None = None
    version: str | None = None
    valid_from: dt.date | None = None
    kenmerk: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


@dataclass
class LetterBatch:
    source: Path
    rows_in: int
    letters: list[Letter]
    rejected: Rejections

    def letters_frame(self) -> pd.DataFrame:
        rows = [
            {
                "template_id": letter.template_id,
                "title": letter.title,
                "department": letter.department,
                "version": letter.version,
                "valid_from": letter.valid_from,
                "kenmerk": letter.kenmerk,
                "source_path": letter.source_path,
                "format": letter.format,
                "text": letter.text,
                "content_hash": letter.content_hash,
            }
            for letter in self.letters
        ]
        return pd.DataFrame(rows)

    def paragraphs_frame(self) -> pd.DataFrame:
        rows = []
        for letter in self.letters:
            for no, (start, end, text) in enumerate(split_paragraphs(letter.text), start=1):
                rows.append(
                    {
                        "template_id": letter.template_id,
                        "paragraph_no": no,
                        "start_char": start,
                        "end_char": end,
                        "text": text,
                    }
                )
        return pd.DataFrame(rows, columns=["template_id", "paragraph_no", "start_char", "end_char", "text"])


def normalise_placeholders(text: str) -> str:
    """Replace template placeholders by «name» markers and drop template control tags."""
    text = CONTROL_TAG_RE.sub("", text)

    def marker(match: re.Match[str]) -> str:
        name = next(g for g in match.groups() if g is not None)
        name = re.sub(r"[^\w]+", "_", name.strip().lower()).strip("_")
        return f"«{name}»"

    return PLACEHOLDER_RE.sub(marker, text)


def clean_text(text: str) -> str:
    """Normalise line endings and spaces, keep paragraph breaks, mark placeholders."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = normalise_placeholders(text)
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def split_paragraphs(text: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of each blank-line separated paragraph; hard line wraps joined."""
    out = []
    for match in re.finditer(r"[^\n](?:.|\n(?!\s*\n))*", text):
        chunk = match.group(0).strip()
        if chunk:
            out.append((match.start(), match.end(), re.sub(r"\s*\n\s*", " ", chunk)))
    return out


_SALUTATION = re.compile(r"(?i)^(?:geachte|beste|lieve|hallo|dag|l\.\s?s\.)(?!\w)")
_CLOSING = re.compile(
    r"(?i)^(?:met\s+)?(?:vriendelijke|hartelijke)\s+groet(?:en)?|^hoogachtend|^(?:met\s+)?groet(?:en)?(?!\w)"
)


def is_boilerplate(paragraph: str) -> bool:
    """A salutation ("Geachte heer/mevrouw «naam»,") or a closing ("Met vriendelijke groet, Team ...",
    "Hoogachtend, namens het college ..."): paragraphs every letter has, which say nothing about its subject.
    Only short paragraphs count (at most 25 words): a closing line followed by a real paragraph is kept."""
    text = strip_markers(paragraph).strip()
    words = len(text.split())
    if words > 25:
        return False
    if _SALUTATION.match(text):  # "Geachte heer/mevrouw," but not "Dag en nacht is de milieustraat open."
        return words <= 8 and not text.endswith((".", "?", ":"))
    return bool(_CLOSING.match(text))


def strip_markers(text: str) -> str:
    """Text without «placeholder» markers (for word counts and embeddings)."""
    return re.sub(r"\s{2,}", " ", MARKER_RE.sub(" ", text)).strip()


def read_letters(folder: str | Path) -> LetterBatch:
    """Read every letter file in a folder (not recursive)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: brievenmap niet gevonden")
    rejected = Rejections("letters", folder)
    letters: list[Letter] = []
    files = sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.name.lower() not in IGNORED_NAMES and not p.name.startswith((".", "~$"))
    )
    seen: dict[str, str] = {}
    for path in files:
        template_id = path.stem
        if path.suffix.lower() not in LETTER_SUFFIXES:
            rejected.add(
                None,
                None,
                f"{path.name}: bestandstype {path.suffix or '(geen)'} wordt niet "
                f"ondersteund (wel: {', '.join(LETTER_SUFFIXES)})",
                {"file": path.name},
            )
            continue
        if template_id in seen:
            rejected.add(
                None,
                "template_id",
                f"{path.name}: sjabloon '{template_id}' bestaat al als {seen[template_id]}",
                {"file": path.name},
            )
            continue
        try:
            letter = read_letter(path)
        except InputError as exc:
            rejected.add(None, None, str(exc), {"file": path.name})
            continue
        seen[template_id] = path.name
        letters.append(letter)
    if not letters and not len(rejected):
        raise InputError(f"{folder}: geen brieven gevonden (verwacht {', '.join(LETTER_SUFFIXES)})")
    return LetterBatch(folder, len(files), letters, rejected)


def read_letter(path: Path) -> Letter:
    """Read one letter file; raises InputError with the file name when it cannot be read."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".txt", ".md"):
            meta, body = _split_front_matter(path, _read_text(path))
        elif suffix == ".docx":
            meta, body = _read_docx(path)
        elif suffix == ".pdf":
            meta, body = _read_pdf(path)
        elif suffix == ".odt":
            meta, body = _read_odt(path)
        else:
            raise InputError(f"{path}: bestandstype {suffix} wordt niet ondersteund")
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 — any parser failure is a bad file, named as such
        kind = {".docx": "Word-bestand", ".pdf": "PDF-bestand", ".odt": "ODT-bestand"}.get(suffix, "tekstbestand")
        raise InputError(
            f"{path.name}: kan niet gelezen worden: beschadigd of geen echt {kind} ({type(exc).__name__}: {exc})"
        ) from None
    text = clean_text(body)
    if not text:
        raise InputError(f"{path.name}: bevat geen tekst")
    return _letter(path, meta, text)


def _letter(path: Path, meta: dict, text: str) -> Letter:
    meta = {str(k).strip().lower(): v for k, v in meta.items() if v not in (None, "")}
    stem = printable(path.stem)  # a name that is not UTF-8 can be neither shown nor stored as it is
    title = str(meta.pop("title", "") or "").strip() or _first_line(text) or stem
    valid_from = meta.pop("valid_from", None)
    if valid_from is not None and not isinstance(valid_from, dt.date):
        parsed = pd.to_datetime(str(valid_from), dayfirst=True, errors="coerce")
        if pd.isna(parsed):
            raise InputError(f"{path.name}: valid_from '{valid_from}' is geen datum")
        valid_from = parsed.date()
    if isinstance(valid_from, dt.datetime):
        valid_from = valid_from.date()
    opt = lambda key: None if meta.get(key) is None else str(meta.pop(key)).strip()  # noqa: E731
    return Letter(
        template_id=stem,
        source_path=printable(str(path)),
        format=path.suffix.lower().lstrip("."),
        text=text,
        title=title,
        department=opt("department"),
        version=opt("version"),
        valid_from=valid_from,
        kenmerk=opt("kenmerk"),
        extra={k: str(v) for k, v in meta.items()},
    )


def _first_line(text: str) -> str:
    line = text.split("\n", 1)[0].strip().lstrip("#").strip()
    return line[:120]


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    if encoding := _utf16(data):  # Word and Notepad save "Unicode" text as UTF-16
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            raise InputError(f"{path.name}: UTF-16-bestand met onleesbare tekens") from None
    if b"\x00" in data[:4096]:
        raise InputError(f"{path.name}: dit is geen tekstbestand (binaire inhoud)")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{path.name}: onbekende tekenset")


def _utf16(data: bytes) -> str | None:
    """ "utf-16" for text with a UTF-16 byte order mark; "utf-16-le" or "-be" for UTF-16 without one, recognised
    by its zero bytes: Dutch text is nearly all Latin letters, whose other byte is zero. None otherwise."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    head = data[:4096]
    if len(head) < 4 or len(head) % 2:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd > 0.8 * len(head) / 2 and even == 0:
        return "utf-16-le"
    if even > 0.8 * len(head) / 2 and odd == 0:
        return "utf-16-be"
    return None


def _split_front_matter(path: Path, text: str) -> tuple[dict, str]:
    match = re.match(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", text, re.S)
    if not match:
        return {}, text
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"{path.name}: front matter is geen geldige YAML ({exc.__class__.__name__})") from None
    if not isinstance(meta, dict):
        raise InputError(f"{path.name}: front matter moet sleutel: waarde regels bevatten")
    return meta, text[match.end() :]


def _read_docx(path: Path) -> tuple[dict, str]:
    import docx
    import docx.table

    document = docx.Document(str(path))
    props = document.core_properties
    meta: dict = {"title": props.title, "department": props.category or props.subject, "version": props.version or None}
    for line in (props.comments or "").splitlines():
        if ":" in line:
            key, value = line.split(":", 1)
            meta[key.strip().lower()] = value.strip()
    paragraphs = []
    for block in document.iter_inner_content():  # paragraphs and tables in the order of the letter
        if isinstance(block, docx.table.Table):
            paragraphs += [" | ".join(cell.text for cell in row.cells) for row in block.rows]
        else:
            paragraphs.append(block.text)
    return meta, "\n\n".join(p for p in paragraphs if p.strip())


def _read_pdf(path: Path) -> tuple[dict, str]:
    import logging

    from pypdf import PdfReader

    # pypdf logs its repairs of a damaged file in English ("EOF marker not found"); what cannot be read
    # is reported once, in Dutch, by the caller, and the quarantine keeps it.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = PdfReader(str(path))
    if reader.is_encrypted:
        raise InputError(f"{path.name}: PDF is beveiligd met een wachtwoord")
    info = reader.metadata or {}
    meta = {"title": info.get("/Title"), "department": info.get("/Subject")}
    pages = [page.extract_text() or "" for page in reader.pages]
    text = "\n\n".join(pages)
    if not text.strip():
        raise InputError(f"{path.name}: PDF bevat geen tekst (gescand document? OCR wordt niet ondersteund)")
    return meta, text


def _odt_blocks(node: Any) -> Iterator[Any]:
    """The paragraphs and headings (text:p, text:h) under ``node``, in the order of the document."""
    for child in node.childNodes:
        if child.nodeType == child.ELEMENT_NODE:
            if child.qname[1] in ("p", "h"):
                yield child
            else:
                yield from _odt_blocks(child)


def _read_odt(path: Path) -> tuple[dict, str]:
    from odf import teletype
    from odf.opendocument import load

    document = load(str(path))
    paragraphs = [teletype.extractText(p) for p in _odt_blocks(document.text)]
    meta: dict = {}
    for node in document.meta.childNodes:
        if node.qname[1] == "title":
            meta["title"] = teletype.extractText(node)
        elif node.qname[1] == "subject":
            meta["department"] = teletype.extractText(node)
    return meta, "\n\n".join(p for p in paragraphs if p.strip())
