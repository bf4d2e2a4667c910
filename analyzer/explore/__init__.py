"""Reads and computations behind the app's pages: plain DataFrames and dicts out of the store.

No Streamlit in here, so every figure a page shows can be tested on a small store. Functions take
an open :class:`~analyzer.store.Store` and an optional period (``start``/``end`` dates, inclusive);
they work on an empty store too and then return empty frames (the pages turn those into a Dutch
message). One module per page: :mod:`.overview`, :mod:`.letters`, :mod:`.topics`, :mod:`.drafts`
(the draft check scores a pasted text like a stored letter and compares it with the stored ones),
with what they share in :mod:`.base`. Everything is re-exported here, so ``explore.<name>`` works.
"""

from analyzer.explore.base import (
    DEMAND_LABELS,
    FINDING_LABELS,
    _period,
    analysis_cost_per_call,
    channels,
    date_range,
    departments,
    embedding_model,
    open_store,
)
from analyzer.explore.drafts import (
    DRAFT_MAX_CHARS,
    UPLOAD_MAX_BYTES,
    UPLOAD_SUFFIXES,
    call_risk,
    check_draft,
    paragraph_vectors,
    read_upload,
    similar_letters,
)
from analyzer.explore.letters import (
    SENTENCE_FINDINGS,
    _crosses,
    _non_overlapping,
    demand_table,
    example_notes,
    findings_table,
    letter_calls_daily,
    letter_day_weights,
    letter_detail,
    letter_markup,
    ranking,
    version_comparison,
)
from analyzer.explore.overview import call_day_counts, overview, top_spikes
from analyzer.explore.topics import (
    _in_period,
    daily_series,
    edit_topic,
    summarise_topics,
    topic_daily,
    topic_day_counts,
    topic_hourly_spikes,
    topic_mailings,
    topic_map,
    topic_meta,
    topic_notes,
    topic_spikes,
    topic_table,
)

__all__ = [
    "DEMAND_LABELS",
    "FINDING_LABELS",
    "open_store",
    "_period",
    "date_range",
    "channels",
    "departments",
    "analysis_cost_per_call",
    "embedding_model",
    "call_day_counts",
    "overview",
    "top_spikes",
    "ranking",
    "letter_day_weights",
    "letter_detail",
    "findings_table",
    "demand_table",
    "letter_calls_daily",
    "example_notes",
    "version_comparison",
    "SENTENCE_FINDINGS",
    "_crosses",
    "_non_overlapping",
    "letter_markup",
    "topic_day_counts",
    "topic_meta",
    "_in_period",
    "summarise_topics",
    "topic_table",
    "daily_series",
    "topic_daily",
    "topic_spikes",
    "topic_hourly_spikes",
    "topic_mailings",
    "topic_map",
    "topic_notes",
    "edit_topic",
    "UPLOAD_SUFFIXES",
    "UPLOAD_MAX_BYTES",
    "DRAFT_MAX_CHARS",
    "read_upload",
    "check_draft",
    "paragraph_vectors",
    "similar_letters",
    "call_risk",
]
