"""Overzicht (landing page): totals for the period, the worst letters, the biggest spikes, rejected input."""

from __future__ import annotations

import streamlit as st

from views.common import downloads, labelled, load, table

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
c1.metric("Gesprekken", f"{totals['calls']:,}".replace(",", "."))
if totals["avoidable_share"] is None:
    c2.metric("Vermijdbaar", "nog niet bepaald", help="De gesprekken zijn nog niet ingedeeld naar soort contact.")
else:
    c2.metric("Vermijdbaar", f"{totals['avoidable_share']:.0%}", help=f"{totals['avoidable_calls']:,} gesprekken")
c3.metric("Brieven verstuurd", f"{totals['letters_sent']:,}".replace(",", "."))
c4.metric("Pieken in gesprekken", totals["spikes"])

st.subheader("Brieven die de meeste vermijdbare gesprekken opleveren")
ranking = load("ranking", ctx.start, ctx.end, cost_factor=ctx.cost_factor, weights=load("letter_day_weights"))
if ranking.empty:
    st.info("Er staan nog geen brieven in de database.")
else:
    if float(ranking["attributed_calls"].sum()) == 0:
        st.info("Nog geen gesprekken aan brieven toegerekend: de lijst staat op aantal verstuurde brieven.")
    top = ranking.head(5)
    table(
        labelled(top, ["rank", "title", "letters_sent", "avoidable_calls", "calls_per_1000", "estimated_cost_eur",
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
        labelled(spikes, ["topic_label", "start", "peak", "end", "observed", "expected", "excess", "letter_title"]),
        key="overzicht_pieken",
    )
    st.page_link("views/gesprekken.py", label="Pieken en onderwerpen bekijken", icon=":material/call:")

rejected = load("rejected_input")
if not rejected.empty:
    counts = rejected["soort"].value_counts()
    parts = ", ".join(f"{n} {kind}" for kind, n in counts.items())
    with st.expander(f"Afgekeurde invoer: {len(rejected)} regels ({parts})", icon=":material/report:"):
        st.caption(
            "Regels en bestanden die niet zijn ingelezen, met de plek in het bestand en de reden. Verbeter ze in "
            "de bron en lees opnieuw in; al ingelezen gesprekken worden niet dubbel geteld."
        )
        table(rejected, key="overzicht_afgekeurd", column_config={"rij": st.column_config.NumberColumn(format="%d")})
        downloads(rejected, "afgekeurde-invoer", "Afgekeurd", key="overzicht_afgekeurd_dl")
