"""Concept controleren (editors): readability, B1 verdict and findings of a draft, the stored letters it
most resembles with their call history, and the calls per 1,000 letters to expect from that history."""

from __future__ import annotations

import time

import numpy as np
import streamlit as st

from analyzer import explore
from analyzer.errors import InputError
from analyzer.explore import nl_number
from analyzer.ingest.letters import is_boilerplate, split_paragraphs, strip_markers
from views.common import downloads, dutch_uploader, embedder, labelled, load, markup, table

EXAMPLE = (
    "Indien u niet akkoord gaat met onderhavige beschikking, dient u derhalve middels het formulier bezwaar te maken."
)

st.title("Concept controleren")
ctx = st.session_state.get("context")
st.caption("Plak de tekst van een conceptbrief of upload het bestand (.txt, .docx, .pdf, .md of .odt, hooguit 5 MB).")

dutch_uploader(explore.UPLOAD_MAX_BYTES // (1024 * 1024), [s.lstrip(".") for s in explore.UPLOAD_SUFFIXES])
# No type= here: Streamlit would reject other files with its own English message; read_upload says it in Dutch
upload = st.file_uploader(
    "Bestand",
    key="concept_bestand",
    max_upload_size=explore.UPLOAD_WIDGET_MB,  # above 5 MB, so that read_upload says "groter dan 5 MB" in Dutch
)
pasted = st.text_area("Tekst", height=220, placeholder=EXAMPLE, key="concept_tekst")
st.button("Controleren", type="primary", key="concept_controleer")

text = ""
if upload is not None:
    try:
        text = explore.read_upload(upload.name, upload.getvalue())
    except InputError as exc:
        st.error(f"Dit bestand kan niet gecontroleerd worden. {exc}")
        st.stop()
    if pasted.strip():
        st.info(
            f"Het bestand {upload.name} wordt gecontroleerd, niet de geplakte tekst. Verwijder het bestand "
            "(het kruisje naast de naam) om de geplakte tekst te controleren."
        )
elif pasted.strip():
    text = pasted
if not text.strip():
    st.info("Nog geen tekst om te controleren.")
    st.stop()

started = time.perf_counter()
try:
    with st.spinner("Controleren... (de eerste keer na het starten worden ook de taalmodellen geladen)"):
        result = explore.check_draft(text)
except InputError as exc:
    st.error(str(exc))
    st.stop()

verdict = result["b1_verdict"]
c1, c2, c3, c4 = st.columns(4)
c1.metric("B1-oordeel", verdict)
c2.metric("Flesch-Douma", nl_number(result["flesch_douma"]))
c3.metric("LiNT-niveau", "–" if result["lint_level"] is None else f"{result['lint_level']} van 4")
c4.metric("Gem. zinslengte", nl_number(result["avg_sentence_length"], 1))
box = st.success if verdict == "B1" else st.warning
box("".join(f"- {r}\n" for r in result["b1_reasons"]))

findings = result["findings_table"]
st.subheader(f"Bevindingen ({len(findings)})")
text_col, side_col = st.columns([3, 2])
with text_col:
    markup(explore.letter_markup(result["text"], findings))
with side_col:
    if findings.empty:
        st.info("Geen bevindingen: de zinnen zijn kort, actief en in gewone woorden.")
    else:
        table(labelled(findings, ["soort", "text", "suggestion"]), key="concept_bevindingen")
        downloads(
            labelled(findings, ["soort", "text", "suggestion", "start_char", "end_char"]),
            "bevindingen-concept",
            "Bevindingen",
            key="concept_bevindingen_download",
        )

st.subheader("Lijkt op deze brieven")
model_id = load("embedding_model") if ctx is not None else None
if model_id is None:
    st.info("Geen database met brieven beschikbaar om mee te vergelijken.")
    st.stop()
try:
    model = embedder(model_id)
except Exception as exc:  # noqa: BLE001 — a missing model file must give a message, not a traceback
    st.warning(f"Het taalmodel is niet beschikbaar ({type(exc).__name__}); vergelijken met brieven kan nu niet.")
    st.stop()

paragraphs, vectors = load("paragraph_vectors", model_id)
# Salutations and closings match every stored letter equally well: compare the paragraphs about the subject
chunks = [strip_markers(p) for _, _, p in split_paragraphs(result["text"]) if not is_boilerplate(p)]
chunks = [c for c in chunks if c] or [strip_markers(result["text"])]
draft_vectors = model.encode(chunks) if chunks else np.zeros((0, 1), np.float32)
ranking = load("ranking", cost_factor=ctx.cost_factor)  # whole history: the best evidence for a forecast
similar = explore.similar_letters(draft_vectors, paragraphs, vectors, ranking, k=5)
if similar.empty:
    st.info("Er zijn nog geen brieven met opgeslagen alinea's om mee te vergelijken.")
    st.stop()
table(
    labelled(similar, ["title", "similarity", "best_paragraph_text", "letters_sent", "attributed_calls",
                       "calls_per_1000"]),
    key="concept_vergelijkbaar",
    column_config={"gelijkenis": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="percent")},
)  # fmt: skip

st.subheader("Verwachte gesprekken")
risk = explore.call_risk(similar)
if risk is None or risk["high"] == 0:
    st.info("Nog geen voorspelling: de brieven die hierop lijken hebben (nog) geen gesprekken toegerekend gekregen.")
else:
    st.metric("Gesprekken per 1.000 brieven (schatting)", nl_number(risk["calls_per_1000"], 1))
    st.markdown(
        f"Waarschijnlijk tussen **{nl_number(risk['low'], 1)}** en **{nl_number(risk['high'], 1)}** "
        "gesprekken per 1.000 brieven. "
        f"Gebaseerd op {risk['neighbours']} brieven die hierop lijken (gemiddelde gelijkenis "
        f"{nl_number(100 * risk['mean_similarity'])}%), niet op deze tekst zelf: "
        "een nieuwe brief kan het beter of slechter doen. "
        "Hoe lager de gelijkenis, hoe minder de schatting zegt."
    )
st.caption(f"Gecontroleerd in {nl_number(time.perf_counter() - started, 2)} s.")
