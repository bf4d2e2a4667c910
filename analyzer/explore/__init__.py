"""Reads and computations behind the app's pages: plain DataFrames and dicts out of the store.

No Streamlit in here, so every figure a page shows can be tested on a small store. Functions take
an open :class:`~analyzer.store.Store` and an optional period (``start``/``end`` dates, inclusive);
they work on an empty store too and then return empty frames (the pages turn those into a Dutch
message). One module per page: :mod:`.totals` (Overzicht), :mod:`.letters` (Brieven), :mod:`.topics`
(Gesprekken) and :mod:`.drafts` (Concept: a pasted text scored like a stored letter and compared with
the stored ones), with what they all need in :mod:`.base`. Every name is re-exported here, so the
pages and tests call ``explore.<name>``.
"""

from analyzer.explore.base import (
    analysis_cost_per_call,
    channels,
    date_range,
    departments,
    embedding_model,
    nl_number,
    open_store,
    parse_nl_amount,
)
from analyzer.explore.drafts import (
    DRAFT_MAX_CHARS,
    UPLOAD_MAX_BYTES,
    UPLOAD_SUFFIXES,
    UPLOAD_WIDGET_MB,
    call_risk,
    check_draft,
    paragraph_vectors,
    read_upload,
    similar_letters,
)
from analyzer.explore.letters import (
    DEMAND_LABELS,
    FINDING_LABELS,
    SENTENCE_FINDINGS,
    demand_table,
    example_notes,
    findings_table,
    lag_profile,
    letter_calls_daily,
    letter_day_weights,
    letter_detail,
    letter_markup,
    letter_topics,
    ranking,
    version_comparison,
)
from analyzer.explore.topics import (
    daily_series,
    edit_topic,
    summarise_topics,
    topic_daily,
    topic_day_counts,
    topic_hourly_spikes,
    topic_letters,
    topic_mailings,
    topic_map,
    topic_meta,
    topic_notes,
    topic_spikes,
    topic_table,
    trend_text,
)
from analyzer.explore.totals import (
    REJECTED_KINDS,
    call_day_counts,
    overview,
    rejected_input,
    top_spikes,
    weekly_totals,
)

__all__ = [
    # base
    "open_store",
    "parse_nl_amount",
    "date_range",
    "channels",
    "departments",
    "analysis_cost_per_call",
    "embedding_model",
    "nl_number",
    # totals
    "call_day_counts",
    "overview",
    "top_spikes",
    "weekly_totals",
    "REJECTED_KINDS",
    "rejected_input",
    # letters
    "DEMAND_LABELS",
    "FINDING_LABELS",
    "SENTENCE_FINDINGS",
    "ranking",
    "letter_day_weights",
    "letter_detail",
    "letter_topics",
    "findings_table",
    "demand_table",
    "letter_calls_daily",
    "lag_profile",
    "example_notes",
    "version_comparison",
    "letter_markup",
    # topics
    "topic_day_counts",
    "topic_meta",
    "summarise_topics",
    "trend_text",
    "topic_table",
    "daily_series",
    "topic_daily",
    "topic_spikes",
    "topic_hourly_spikes",
    "topic_letters",
    "topic_mailings",
    "topic_map",
    "topic_notes",
    "edit_topic",
    # drafts
    "UPLOAD_SUFFIXES",
    "UPLOAD_MAX_BYTES",
    "UPLOAD_WIDGET_MB",
    "DRAFT_MAX_CHARS",
    "read_upload",
    "check_draft",
    "paragraph_vectors",
    "similar_letters",
    "call_risk",
]
