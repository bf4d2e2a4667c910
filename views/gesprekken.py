"""Gesprekken (KCC analysts): topics with size and trend, a topic's daily calls with its spikes and the
mailings of linked letters, a map of all topics, the notes behind a topic, and renaming or merging."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from analyzer import explore
from analyzer.errors import InputError
from views.common import (
    COUNT_FORMAT,
    DATE_FORMAT,
    NUMBER_AXIS,
    chart,
    date_axis,
    downloads,
    labelled,
    load,
    table,
)

st.title("Gesprekken")
ctx = st.session_state.get("context")
if ctx is None:
    st.stop()

if message := st.session_state.pop("gesprekken_melding", None):
    st.success(message)

counts = load("topic_day_counts")  # one pass over all calls, cached; a new period only filters it
topics = explore.summarise_topics(load("topic_meta"), counts, ctx.start, ctx.end)
if topics.empty:
    st.info("Nog geen onderwerpen gevonden. Voer eerst een analyse uit ('analyzer analyze').")
    st.stop()

shown_topics = labelled(topics, ["topic_id", "label", "calls", "share", "trend", "parent_label", "keywords"])
# The trend as text on screen ("nieuw" rather than Streamlit's "None" for a topic without earlier calls);
# the downloads keep the number
table(
    shown_topics.assign(**{"trend (4 weken)": explore.trend_text(topics)}),
    key="gesprekken_onderwerpen",
    column_config={
        "trend (4 weken)": st.column_config.TextColumn(
            help="Gesprekken in de laatste 4 weken van de periode gedeeld door de 4 weken ervoor; 'nieuw' als "
            "het onderwerp in die 4 weken ervoor geen gesprekken had."
        ),
    },
)
downloads(shown_topics, "onderwerpen", "Onderwerpen", key="gesprekken_onderwerpen_download")
spikes = load("top_spikes", ctx.start, ctx.end, n=None)
with st.expander(f"Alle pieken in deze periode ({len(spikes)})", icon=":material/trending_up:"):
    if spikes.empty:
        st.info("Geen pieken in gesprekken gevonden in deze periode.")
    else:
        # Sorted by the extra calls: that figure first after the topic, the dates last
        shown_spikes = labelled(spikes, ["topic_id", "topic_label", "excess", "observed", "expected", "letter_title",
                                         "link_score", "peak", "start", "end"])  # fmt: skip
        table(shown_spikes, key="gesprekken_alle_pieken")
        downloads(shown_spikes, "pieken", "Pieken", key="gesprekken_pieken_download")

labels = dict(zip(topics["topic_id"].astype(int), topics["label"]))
if (after_edit := st.session_state.pop("gesprekken_na_bewerking", None)) is not None:
    # Set before the widgets exist in this run (Streamlit forbids changing a widget's state after).
    st.session_state.pop("gesprekken_nieuwe_naam", None)
    if after_edit in labels:
        st.session_state["gesprekken_onderwerp"] = after_edit
topic_id = st.selectbox(
    "Onderwerp bekijken",
    list(labels),
    format_func=lambda t: f"{t}: {labels[t]}",
    key="gesprekken_onderwerp",
    placeholder="Kies een onderwerp",
    on_change=lambda: st.session_state.pop("gesprekken_nieuwe_naam", None),
)

chart_tab, map_tab, notes_tab, edit_tab = st.tabs(
    ["Gesprekken per dag", "Kaart van onderwerpen", "Gesprekken lezen", "Naam wijzigen of samenvoegen"]
)
with chart_tab:
    letters = load("topic_letters", topic_id)
    daily = explore.daily_series(counts, topic_id, ctx.start, ctx.end)
    if daily.empty:
        st.info("Geen gesprekken over dit onderwerp in deze periode.")
    else:
        layers = []
        own = load("topic_spikes", topic_id)
        ends = pd.to_datetime(own["end"])
        shaded = own.assign(start=pd.to_datetime(own["start"]), end=ends, stop=ends + pd.Timedelta(days=1))
        shaded = shaded.assign(x0=shaded["start"], x1=shaded["stop"])
        if ctx.start is not None:  # only the spikes that overlap the period (the caption counts what is shaded),
            lo, hi = pd.Timestamp(ctx.start), pd.Timestamp(ctx.end) + pd.Timedelta(days=1)  # cut to the period
            shaded = shaded[(shaded["start"] < hi) & (shaded["stop"] > lo)]
            shaded = shaded.assign(x0=shaded["x0"].clip(lower=lo), x1=shaded["x1"].clip(upper=hi))
        if len(shaded):
            layers.append(
                alt.Chart(shaded).mark_rect(color="#f8d7da", opacity=0.6).encode(
                    x="x0:T", x2="x1:T",
                    tooltip=[alt.Tooltip("start:T", title="begin piek", format=DATE_FORMAT),
                             alt.Tooltip("end:T", title="eind piek", format=DATE_FORMAT),
                             alt.Tooltip("excess:Q", title="extra gesprekken", format=",.0f")],
                )
            )  # fmt: skip
        layers.append(
            alt.Chart(daily)
            .mark_line()
            .encode(
                x=alt.X("day:T", title="datum", axis=date_axis(daily["day"].min(), daily["day"].max())),
                y=alt.Y("calls:Q", title="gesprekken per dag", axis=NUMBER_AXIS),
                tooltip=[
                    alt.Tooltip("day:T", title="datum", format=DATE_FORMAT),
                    alt.Tooltip("calls:Q", title="gesprekken", format=COUNT_FORMAT),
                ],
            )
        )
        mailings = load("topic_mailings", topic_id, ctx.start, ctx.end)
        if len(mailings):
            titles = {**dict(zip(spikes["template_id"], spikes["letter_title"])),
                      **dict(zip(letters["template_id"], letters["title"]))}  # fmt: skip
            mailings = mailings.assign(
                sent_date=pd.to_datetime(mailings["sent_date"]),
                title=mailings["template_id"].map(lambda t: titles.get(t) or t),
            )
            layers.append(
                alt.Chart(mailings)
                .mark_rule(color="#e0a800", strokeDash=[4, 3])
                .encode(
                    x="sent_date:T",
                    tooltip=[
                        alt.Tooltip("title:N", title="brief"),
                        alt.Tooltip("sent_date:T", title="verstuurd op", format=DATE_FORMAT),
                        alt.Tooltip("count:Q", title="aantal brieven", format=COUNT_FORMAT),
                    ],
                )
            )
        chart(alt.layer(*layers), key="gesprekken_grafiek")
        if len(mailings):
            sent = "gestreepte lijnen: verzenddata van gekoppelde brieven"
        elif len(letters):  # linked, but none of those letters went out in the period
            sent = "geen verzendingen van de gekoppelde brieven in deze periode"
        else:
            sent = "nog geen brieven gekoppeld"
        if len(shaded):
            peaks = "1 piek" if len(shaded) == 1 else f"{explore.nl_number(len(shaded))} pieken"
            st.caption(f"{peaks} rood gearceerd; {sent}.")
        else:
            st.caption(f"Geen pieken in deze periode; {sent}.")
    if len(letters):
        st.markdown(
            f"**Brieven bij dit onderwerp**: de analyse rekent {letters['share'].sum():.0%} van de gesprekken in dit "
            "onderwerp toe aan deze brieven; *alinea* is de alinea waar de bellers naar vragen."
        )
        table(
            labelled(letters, ["title", "attributed_calls", "share", "paragraph_no", "paragraph_text",
                               "content_score", "timing_score", "mention_score"]),
            key="gesprekken_brieven",
        )  # fmt: skip
    else:
        st.caption("Geen brief verklaart gesprekken in dit onderwerp.")
    hourly = load("topic_hourly_spikes", topic_id)
    if len(hourly):
        st.markdown(f"**Pieken binnen een dag** ({len(hourly)}): uren met veel meer gesprekken dan op hetzelfde uur "
                    "van dezelfde weekdag in de weken ervoor.")  # fmt: skip
        shown = hourly.assign(
            begin=pd.to_datetime(hourly["start"]).dt.strftime("%d-%m-%Y %H:00"),
            eind=(pd.to_datetime(hourly["end"]) + pd.Timedelta(hours=1)).dt.strftime("%H:00"),
        )
        st.dataframe(
            shown[["begin", "eind", "observed", "expected", "excess"]].rename(
                columns={"observed": "gesprekken", "expected": "verwacht", "excess": "extra"}
            ),
            hide_index=True,
            key="gesprekken_uurpieken",
        )
with map_tab:
    points = load("topic_map")
    if points.empty:
        st.info("Te weinig onderwerpen voor een kaart.")
    else:
        points = points.assign(gekozen=points["topic_id"] == topic_id)
        topic_map = alt.Chart(points).mark_circle(opacity=0.7).encode(
            x=alt.X("x:Q", axis=None), y=alt.Y("y:Q", axis=None),
            size=alt.Size("size:Q", title="gesprekken"),
            color=alt.Color("gekozen:N", legend=None, scale=alt.Scale(range=["#4b7bec", "#e0a800"])),
            tooltip=[alt.Tooltip("topic_id:Q", title="id", format="d"), alt.Tooltip("label:N", title="onderwerp"),
                     alt.Tooltip("size:Q", title="gesprekken", format=COUNT_FORMAT)],
        )  # fmt: skip
        chart(topic_map, key="gesprekken_kaart")
        st.caption(
            "Elke stip is een onderwerp; dichtbij betekent vergelijkbare gesprekken (de twee hoofdrichtingen "
            "van de onderwerpen, PCA). Het gekozen onderwerp is geel."
        )
with notes_tab:
    notes = load("topic_notes", topic_id, ctx.start, ctx.end, n=25)
    if notes.empty:
        st.info("Geen gesprekken over dit onderwerp in deze periode.")
    else:
        table(labelled(notes, ["timestamp", "channel", "text", "confidence"]),
                     key="gesprekken_notities")  # fmt: skip
        downloads(
            labelled(notes, ["timestamp", "channel", "text", "confidence"]),
            f"gesprekken-onderwerp-{topic_id}",
            "Gesprekken",
            key="gesprekken_notities_download",
        )
with edit_tab:
    st.caption("Wijzigingen worden opgeslagen in de database en blijven gelden bij volgende analyses.")
    new_label = st.text_input("Nieuwe naam", value=labels[topic_id], key="gesprekken_nieuwe_naam")
    rename = st.button("Naam opslaan", key="gesprekken_hernoem")
    others = [t for t in labels if t != topic_id]
    target = st.selectbox(
        "Samenvoegen met",
        others,
        format_func=lambda t: f"{t}: {labels[t]}",
        key="gesprekken_samenvoegen_doel",
        placeholder="Kies een onderwerp om mee samen te voegen",
    )
    merge = st.button("Samenvoegen", key="gesprekken_samenvoegen", disabled=target is None)
    if rename or merge:
        try:
            if rename:
                explore.edit_topic(ctx.store_path, "rename", topic_id, label=new_label)
                note = f"Onderwerp {topic_id} heet nu '{new_label.strip()}'."
            else:
                explore.edit_topic(ctx.store_path, "merge", topic_id, target_id=target)
                note = (
                    f"Onderwerp {topic_id} ('{labels[topic_id]}') is samengevoegd met onderwerp {target} "
                    f"('{labels[target]}')."
                )
        except InputError as exc:
            st.error(str(exc))
        except Exception as exc:  # noqa: BLE001 — a store in use elsewhere must give a message, not a traceback
            st.error(f"Opslaan lukte niet: de database is in gebruik ({type(exc).__name__}). Probeer het zo nog eens.")
        else:
            st.cache_data.clear()
            st.session_state["gesprekken_na_bewerking"] = target if merge else topic_id
            st.session_state["gesprekken_melding"] = note
            st.rerun()
