"""Overzicht (landing page): totals for the period, the worst letters, the biggest spikes, rejected input."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from analyzer.explore import nl_number
from views.common import (
    COUNT_FORMAT,
    NUMBER_AXIS,
    chart,
    date_axis,
    downloads,
    labelled,
    load,
    table,
    titles_with_versions,
)

# Sorted by the extra calls: that figure first after the topic, the dates (wide, least telling) last
SPIKES_VIEW = ["topic_label", "excess", "observed", "expected", "letter_title", "peak", "start", "end"]

st.title("Overzicht")
ctx = st.session_state.get("context")
if ctx is None:
    st.stop()

totals = load("overview", ctx.start, ctx.end, days=load("call_day_counts"))
if totals["calls"] == 0 and totals["letters_sent"] == 0:
    st.info("Deze database bevat nog geen gesprekken of verzendingen. Voer eerst een analyse uit.")
    st.stop()

period = "de hele periode" if ctx.start is None else f"{ctx.start:%d-%m-%Y} t/m {ctx.end:%d-%m-%Y}"
st.caption(f"Cijfers over {period}.")
c1, c2, c3, c4 = st.columns(4)
c1.metric("Gesprekken", nl_number(totals["calls"]))
if totals["avoidable_share"] is None:
    c2.metric("Vermijdbaar", "nog niet bepaald", help="De gesprekken zijn nog niet ingedeeld naar soort contact.")
else:
    c2.metric(
        "Vermijdbaar", f"{nl_number(100 * totals['avoidable_share'])}%",
        help=f"{nl_number(totals['avoidable_calls'])} gesprekken",
    )  # fmt: skip
c3.metric("Brieven verstuurd", nl_number(totals["letters_sent"]))
c4.metric("Pieken in gesprekken", nl_number(totals["spikes"]))

weeks = load("weekly_totals", ctx.start, ctx.end, days=load("call_day_counts"))
if len(weeks) > 1:
    st.subheader("Gesprekken en brieven per week")
    kinds = {"avoidable": "vermijdbaar", "other": "overig of nog niet ingedeeld"}
    # Bars drawn from explicit bottoms and tops (avoidable below, the rest on top), Monday to Saturday
    # evening so that a thin gap separates the weeks.
    tot = weeks["week"] + pd.Timedelta(days=6)
    label = weeks["week"].dt.strftime("%d-%m-%Y")
    long = pd.concat(
        [
            pd.DataFrame({"week": weeks["week"], "tot": tot, "van": label, "soort": kinds["avoidable"],
                          "onder": 0, "boven": weeks["avoidable"], "gesprekken": weeks["avoidable"]}),
            pd.DataFrame({"week": weeks["week"], "tot": tot, "van": label, "soort": kinds["other"],
                          "onder": weeks["avoidable"], "boven": weeks["calls"], "gesprekken": weeks["other"]}),
        ],
        ignore_index=True,
    )  # fmt: skip
    week_x = alt.X("week:T", title=None, axis=date_axis(weeks["week"].min(), tot.max()))
    calls = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=week_x,
            x2="tot:T",
            y=alt.Y("boven:Q", title="gesprekken per week", axis=NUMBER_AXIS),
            y2="onder:Q",
            color=alt.Color(
                "soort:N",
                title=None,
                legend=alt.Legend(orient="top", labelLimit=400),
                scale=alt.Scale(domain=list(kinds.values()), range=["#c0392b", "#a6bddb"]),
            ),
            tooltip=[
                alt.Tooltip("van:N", title="week van"),
                alt.Tooltip("soort:N", title="soort"),
                alt.Tooltip("gesprekken:Q", title="gesprekken", format=COUNT_FORMAT),
            ],
        )  # fmt: skip
        .properties(height=220)
    )
    letters = (
        alt.Chart(weeks.assign(tot=tot, van=label))
        .mark_bar(color="#e0a800")
        .encode(
            x=week_x,
            x2="tot:T",
            y=alt.Y("letters_sent:Q", title="brieven verstuurd", axis=NUMBER_AXIS),
            y2=alt.datum(0),
            tooltip=[
                alt.Tooltip("van:N", title="week van"),
                alt.Tooltip("letters_sent:Q", title="brieven verstuurd", format=COUNT_FORMAT),
            ],
        )  # fmt: skip
        .properties(height=90)
    )
    chart(alt.vconcat(calls, letters).resolve_scale(x="shared"), key="overzicht_weken")
    st.caption(
        "Boven: gesprekken per week (maandag tot en met zondag), rood het vermijdbare deel. Onder: het aantal "
        "verstuurde brieven in dezelfde week. Een piek vlak na een grote verzending wijst op een brief die "
        "vragen oproept."
    )

st.subheader("Brieven die de meeste vermijdbare gesprekken opleveren")
ranking = load("ranking", ctx.start, ctx.end, cost_factor=ctx.cost_factor, weights=load("letter_day_weights"))
if ranking.empty:
    st.info("Er staan nog geen brieven in de database.")
else:
    if float(ranking["attributed_calls"].sum()) == 0:
        st.info("Nog geen gesprekken aan brieven toegerekend: de lijst staat op aantal verstuurde brieven.")
    top = titles_with_versions(ranking.head(5))
    table(
        labelled(top, ["rank", "title", "avoidable_calls", "calls_per_1000", "estimated_cost_eur", "letters_sent",
                       "b1_verdict"]),
        key="overzicht_brieven",
    )  # fmt: skip
    st.page_link("views/brieven.py", label="Alle brieven en de reden waarom ze opvallen", icon=":material/mail:")

st.subheader("Grootste pieken")
spikes = load("top_spikes", ctx.start, ctx.end, n=5)
if spikes.empty:
    st.info("Geen pieken in gesprekken gevonden in deze periode.")
else:
    table(
        labelled(spikes, SPIKES_VIEW),
        key="overzicht_pieken",
    )
    st.page_link("views/gesprekken.py", label="Pieken en onderwerpen bekijken", icon=":material/call:")

rejected = load("rejected_input")
if not rejected.empty:
    counts = rejected["soort"].value_counts()
    parts = ", ".join(f"{n} {kind}" for kind, n in counts.items())
    rows = "1 regel" if len(rejected) == 1 else f"{nl_number(len(rejected))} regels"
    with st.expander(f"Afgekeurde invoer: {rows} ({parts})", icon=":material/report:"):
        st.caption(
            "Regels en bestanden die niet zijn ingelezen, met de plek in het bestand en de reden. Verbeter ze in "
            "de bron en lees opnieuw in; al ingelezen gesprekken worden niet dubbel geteld."
        )
        table(rejected, key="overzicht_afgekeurd", column_config={"rij": st.column_config.NumberColumn(format="%d")})
        downloads(rejected, "afgekeurde-invoer", "Afgekeurd", key="overzicht_afgekeurd_dl")
