"""Letter Clarity Analyzer: the Streamlit app. A router only; every page lives in views/.

Run with ``streamlit run app.py`` (or ``bash scripts/serve.sh``). The store comes from the sidebar,
the environment variable ANALYZER_STORE, or demo.duckdb.
"""

from __future__ import annotations

import streamlit as st

from views.common import sidebar

st.set_page_config(page_title="Brieven en gesprekken", page_icon=":material/mail:", layout="wide")

PAGES = [
    st.Page("views/overzicht.py", title="Overzicht", icon=":material/dashboard:", default=True),
    st.Page("views/brieven.py", title="Brieven", icon=":material/mail:", url_path="brieven"),
    st.Page("views/gesprekken.py", title="Gesprekken", icon=":material/call:", url_path="gesprekken"),
    st.Page("views/concept.py", title="Concept controleren", icon=":material/edit_note:", url_path="concept"),
]

page = st.navigation(PAGES)
st.session_state["context"] = sidebar()
page.run()
