"""Brieven (communications staff): the ranking of letters by avoidable calls and one letter in detail."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from analyzer import explore
from analyzer.explore import nl_number
from views.common import (
    COUNT_FORMAT,
    DATE_FORMAT,
    NUMBER_AXIS,
    TENTH_FORMAT,
    chart,
    date_axis,
    downloads,
    labelled,
    load,
    markup,
    number,
    table,
    titles_with_versions,
)

# Sorted by avoidable calls: that figure, calls per 1.000 letters and the cost right after the title, so that
# they show without scrolling sideways; the wide text columns last.
RANKING_VIEW = ["rank", "title", "avoidable_calls", "calls_per_1000", "estimated_cost_eur", "attributed_calls",
                "letters_sent", "b1_verdict", "lint_level", "department", "top_topic_label"]  # fmt: skip
EXPORT = ["rank", "template_id", "title", "avoidable_calls", "calls_per_1000", "estimated_cost_eur",
          "attributed_calls", "attributed_low", "attributed_high", "timing_shown_calls", "letters_sent",
          "department", "top_topic_label", "top_paragraph", "top_paragraph_text", "b1_verdict", "lint_level",
          "first_sent", "last_sent"]  # fmt: skip

st.title("Brieven")
ctx = st.session_state.get("context")
if ctx is None:
    st.stop()

left, right = st.columns(2)
department = left.selectbox(
    "Afdeling", ["(alle)", *load("departments")], key="brieven_afdeling", placeholder="Kies een afdeling"
)
channel = right.selectbox(
    "Kanaal van de gesprekken", ["(alle)", *load("channels")], key="brieven_kanaal", placeholder="Kies een kanaal"
)
ranking = load(
    "ranking",
    ctx.start,
    ctx.end,
    department=None if department == "(alle)" else department,
    channel=None if channel == "(alle)" else channel,
    cost_factor=ctx.cost_factor,
    weights=load("letter_day_weights"),  # cached per store: a new period does not re-read all calls
)
if ranking.empty:
    st.info("Geen brieven gevonden (voor deze afdeling). Voer eerst een analyse uit met brieven en verzendingen.")
    st.stop()
if float(ranking["attributed_calls"].sum()) == 0:
    st.info(
        "Nog geen gesprekken aan brieven toegerekend voor deze keuze: de lijst staat op aantal verstuurde brieven. "
        "De leesbaarheid en bevindingen per brief zijn er al wel."
    )
table(
    labelled(titles_with_versions(ranking), RANKING_VIEW),
    key="brieven_ranglijst",
    column_config={  # shorter headers on screen, so that the cost fits next to them at 1400 pixels
        "vermijdbare gesprekken": number(1, label="vermijdbaar", help="Vermijdbare toegerekende gesprekken."),
        "gesprekken per 1.000 brieven": number(
            0.1, label="per 1.000 brieven", help="Toegerekende gesprekken per 1.000 verstuurde brieven."
        ),
    },
)
downloads(
    labelled(titles_with_versions(ranking), EXPORT), "ranglijst-brieven", "Ranglijst", key="brieven_ranglijst_download"
)

st.divider()
titles = dict(zip(ranking["template_id"], ranking["title"]))
chosen = st.selectbox(
    "Brief bekijken",
    list(titles),
    format_func=lambda t: f"{titles[t]} ({t})",
    key="brieven_brief",
    placeholder="Kies een brief",
)
detail = load("letter_detail", chosen)
if detail is None:
    st.warning("Deze brief staat niet (meer) in de database.")
    st.stop()
row = ranking[ranking["template_id"] == chosen].iloc[0]
letter = detail["letter"]
st.header(letter["title"] or chosen)
st.caption(
    " · ".join(
        str(x)
        for x in [letter.get("department"), f"versie {letter['version']}" if letter.get("version") else None,
                  letter.get("kenmerk")]
        if x
    )
)  # fmt: skip
m1, m2, m3, m4, m5 = st.columns(5)
m1.metric("Verstuurd", nl_number(row["letters_sent"]), help="Brieven verstuurd in de gekozen periode.")
m2.metric(
    "Toegerekende gesprekken",
    nl_number(row["attributed_calls"]),
    help=f"Onzekerheid: {nl_number(row['attributed_low'])} tot {nl_number(row['attributed_high'])} gesprekken.",
)
m3.metric("Vermijdbaar", nl_number(row["avoidable_calls"]))
shown = row["timing_shown_calls"]
if row["attributed_calls"] >= 1 and pd.notna(shown) and shown < 0.5 * row["attributed_calls"]:
    st.info(
        f"Van de {nl_number(row['attributed_calls'])} toegerekende gesprekken laat het tijdstip er "
        f"{nl_number(row['timing_shown_calls'])} zien: "
        "deze brief gaat steeds in ongeveer dezelfde aantallen de deur uit, "
        "zodat de telefoontjes erover niet te onderscheiden zijn van de gewone gesprekken over dit onderwerp. "
        "De rest is toegerekend op inhoud; het echte aantal ligt tussen "
        f"{nl_number(row['attributed_low'])} en {nl_number(row['attributed_high'])}."
    )
m4.metric(
    "Per 1.000 brieven",
    nl_number(row["calls_per_1000"], 1),
    help=(
        "Toegerekende gesprekken per 1.000 verstuurde brieven. Bij een kortere periode: gedeeld door de brieven "
        "die in de periode of in de vier weken ervoor verstuurd zijn, want ook daarover wordt in de periode gebeld. "
        "Een streepje: in die tijd is deze brief niet verstuurd."
    ),
)
m5.metric("Geschatte kosten", f"€ {nl_number(row['estimated_cost_eur'])}")

readability = detail["readability"]
if readability:
    verdict = readability.get("b1_verdict") or "onbekend"
    reasons = str(readability.get("b1_reasons") or "").splitlines()
    box = st.success if verdict == "B1" else st.warning
    box(f"**B1-oordeel: {verdict}**" + "".join(f"\n- {r}" for r in reasons))

if channel != "(alle)" or ctx.start is not None:
    st.caption(
        "De keuze van periode en kanaal geldt voor de cijfers hierboven. *Gesprekken in de tijd* volgt de periode; "
        "de andere tabbladen tonen de hele analyse, over alle kanalen."
    )
text_tab, calls_tab, topics_tab, notes_tab, demand_tab, version_tab = st.tabs(
    ["Brieftekst en bevindingen", "Gesprekken in de tijd", "Onderwerpen", "Voorbeeldgesprekken", "Soorten contact",
     "Versies"]
)  # fmt: skip
with text_tab:
    findings = detail["findings"]
    top = detail["top_paragraph"]
    legend = (
        "Gemarkeerd: :red-background[rood] voor ambtelijke, moeilijke of lange woorden, :blue-background[blauw] "
        "voor lijdende vorm, :violet[paars gestippeld onderstreept] voor te lange zinnen; ga er met de muis op "
        "staan voor de suggestie."
    )
    if top is not None:
        st.markdown(f"De **gele alinea** ({top}) levert de meeste vermijdbare vragen op (uitleg, navragen, "
                    f"herhaald contact). {legend}")  # fmt: skip
    else:
        st.markdown(legend)
    text_col, side_col = st.columns([3, 2])
    with text_col:
        markup(explore.letter_markup(letter["text"] or "", findings, detail["paragraphs"], top))
    with side_col:
        if findings.empty:
            st.info("Geen bevindingen in deze brief.")
        else:
            table(
                labelled(findings, ["paragraph_no", "soort", "text", "suggestion"]),
                key="brieven_bevindingen",
            )
    if not findings.empty:
        downloads(
            labelled(findings, ["finding_no", "paragraph_no", "soort", "text", "suggestion", "start_char", "end_char"]),
            f"bevindingen-{chosen}",
            "Bevindingen",
            key="brieven_bevindingen_download",
        )
with calls_tab:
    daily, source = load("letter_calls_daily", chosen, ctx.start, ctx.end, weights=load("letter_day_weights"))
    if source == "none":
        st.info("Nog geen gesprekken aan deze brief gekoppeld.")
    else:
        if source == "topics":
            st.caption("Alle gesprekken over de onderwerpen die bij deze brief horen (nog niet toegerekend).")
        daily = daily.assign(day=pd.to_datetime(daily["day"]))
        line = (
            alt.Chart(daily)
            .mark_line()
            .encode(
                x=alt.X("day:T", title="datum", axis=date_axis(daily["day"].min(), daily["day"].max())),
                y=alt.Y("calls:Q", title="gesprekken per dag", axis=NUMBER_AXIS),
            )
        )
        mailings = detail["mailings"].assign(sent_date=lambda f: pd.to_datetime(f["sent_date"]))
        if ctx.start is not None:
            days = mailings["sent_date"].dt.date
            mailings = mailings[(days >= ctx.start) & (days <= ctx.end)]
        rules = alt.Chart(mailings).mark_rule(color="#e0a800", strokeDash=[4, 3]).encode(
            x="sent_date:T", tooltip=[alt.Tooltip("sent_date:T", title="verstuurd op", format=DATE_FORMAT),
                                      alt.Tooltip("count:Q", title="aantal brieven", format=COUNT_FORMAT)]
        )  # fmt: skip
        chart(line + rules, key="brieven_grafiek")
        st.caption("Gestreepte lijnen: verzenddata van deze brief.")
    lags = load("lag_profile")
    if lags is not None:
        st.subheader("Wanneer bellen mensen na een verzending?")
        bars = (
            alt.Chart(lags["profile"].assign(percent=lambda f: 100 * f["share"]))
            .mark_bar(color="#4c78a8")
            .encode(
                x=alt.X("day:O", title="dagen na verzending"),
                y=alt.Y("percent:Q", title="% van de gesprekken"),
                tooltip=[
                    alt.Tooltip("day:O", title="dagen na verzending"),
                    alt.Tooltip("percent:Q", title="% van de gesprekken", format=TENTH_FORMAT),
                ],
            )
        )
        chart(bars, key="brieven_vertraging")
        if lags["learned"]:
            st.caption(
                f"Geleerd uit alle brieven en gesprekken samen: de meeste gesprekken komen op dag {lags['peak']} "
                f"na verzending, de helft binnen {lags['half']} dagen en 90% binnen {lags['most']} dagen. "
                "Met dit patroon rekent de analyse gesprekken toe aan brieven."
            )
        else:
            st.caption(
                "De gegevens lieten (nog) niet zien wanneer gesprekken na een verzending komen; de analyse "
                "rekent met een standaardpatroon (bezorging na 1 à 2 dagen, de meeste gesprekken in de week erna)."
            )
with topics_tab:
    topics = load("letter_topics", chosen)
    if topics.empty:
        st.info("Nog geen gesprekken aan deze brief toegerekend.")
    else:
        top_share = float(topics["share"].iloc[0])
        if len(topics) == 1:
            st.markdown(
                f"De toegerekende gesprekken over deze brief komen uit één onderwerp: *{topics['label'].iloc[0]}*."
            )
        else:
            st.markdown(
                f"De toegerekende gesprekken over deze brief komen uit **{len(topics)} onderwerpen**. "
                f"Het grootste, *{topics['label'].iloc[0]}*, heeft {top_share:.0%} ervan."
            )
        themes = topics.dropna(subset=["theme"]).groupby("theme")["share"].sum().sort_values(ascending=False)
        if len(topics) > 1 and len(themes):
            st.markdown(
                "Per hoofdonderwerp: " + ", ".join(f"*{name}* ({share:.0%})" for name, share in themes.head(3).items())
                + ("." if len(themes) <= 3 else f" en {len(themes) - 3} andere.")
            )  # fmt: skip
        if len(topics) > 1 and top_share < 0.3:
            st.caption(
                "De vragen over deze brief zijn verspreid over veel onderwerpen: het belangrijkste onderwerp in de "
                "ranglijst zegt dan weinig over de brief als geheel. Kijk naar de voorbeelden hieronder."
            )
        shown = topics.head(15).assign(percent=lambda f: 100 * f["share"])
        bars = (
            alt.Chart(shown)
            .mark_bar(color="#4c78a8")
            .encode(
                x=alt.X("attributed_calls:Q", title="toegerekende gesprekken", axis=NUMBER_AXIS),
                y=alt.Y("label:N", sort="-x", title=None, axis=alt.Axis(labelLimit=320)),
                tooltip=[
                    alt.Tooltip("label:N", title="onderwerp"),
                    alt.Tooltip("attributed_calls:Q", title="gesprekken", format=",.0f"),
                    alt.Tooltip("percent:Q", title="% van de gesprekken over de brief", format=TENTH_FORMAT),
                    alt.Tooltip("paragraph_no:Q", title="alinea"),
                ],
            )
        )
        chart(bars, key="brieven_onderwerpen_grafiek")
        view = ["label", "attributed_calls", "share", "avoidable_calls", "paragraph_no", "content_score",
                "timing_score", "mention_score", "theme", "example"]  # fmt: skip
        table(labelled(topics, view), key="brieven_onderwerpen")
        st.caption(
            "Waarom een onderwerp bij deze brief hoort, elk van 0 tot 1: *inhoud* (lijken de gesprekken op een alinea "
            "van de brief), *tijdpatroon* (komen ze na de verzendingen) en *noemt de brief* (titel, kenmerk of "
            "onderwerp van de brief in de notities). *Alinea*: de alinea waar de vragen in dit onderwerp over gaan."
        )
        downloads(labelled(topics, ["topic_id", *view]), f"onderwerpen-{chosen}", "Onderwerpen",
                  key="brieven_onderwerpen_download")  # fmt: skip
with notes_tab:
    notes = load("example_notes", chosen)
    if not notes:
        st.info("Nog geen voorbeeldgesprekken voor deze brief.")
    for note in notes:
        st.markdown(f"> {note}")
with demand_tab:
    demand = detail["demand"]
    if demand.empty:
        st.info("De gesprekken over deze brief zijn nog niet ingedeeld naar soort contact.")
    else:
        shown = demand.assign(vermijdbaar=demand["avoidable"].map({True: "ja", False: "nee"}))
        kinds = (
            alt.Chart(shown)
            .mark_bar()
            .encode(
                x=alt.X("calls:Q", title="gesprekken", axis=NUMBER_AXIS),
                y=alt.Y("soort:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)),
                color=alt.Color("vermijdbaar:N", title="vermijdbaar", sort=["ja", "nee"]),
                tooltip=[
                    alt.Tooltip("soort:N", title="soort contact"),
                    alt.Tooltip("vermijdbaar:N", title="vermijdbaar"),
                    alt.Tooltip("calls:Q", title="gesprekken", format=",.0f"),
                ],
            )
        )
        chart(kinds, key="brieven_soorten")
with version_tab:
    versions = load("version_comparison", chosen)
    if versions.empty:
        st.info("Geen vorige versie van deze brief met gesprekken om mee te vergelijken.")
    else:
        table(labelled(versions, list(versions.columns)), key="brieven_versies")
        st.caption(
            "Gesprekken per 1.000 brieven vóór en na de datum waarop de huidige tekst ingaat. Elke versie "
            "krijgt een eigen schatting. Het is een schatting: in tests met bekende uitkomst liet die het effect "
            "van een herschreven brief meestal kleiner zien dan het was, niet groter."
        )
