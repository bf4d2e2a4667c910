"""The ranking of letters by the avoidable calls they generate: what `analyzer report` prints and the
app's Brieven page shows. Reads the store only; analyzer.attribution fills what it reads."""

from __future__ import annotations

import pandas as pd

from analyzer.store import SHOWN_TOPICS, Store

RANKING_COLUMNS = [
    "rank",
    "template_id",
    "title",
    "department",
    "letters_sent",
    "attributed_calls",
    "attributed_low",
    "attributed_high",
    "timing_shown_calls",
    "avoidable_calls",
    "calls_per_1000",
    "estimated_cost_eur",
    "top_topic",
    "top_topic_label",
    "top_topic_share",
    "n_topics",
    "top_paragraph",
    "top_paragraph_text",
    "b1_verdict",
    "lint_level",
    "first_sent",
    "last_sent",
]


def letter_ranking(store: Store) -> pd.DataFrame:
    """One row per letter template, worst first: most avoidable attributed calls, then most calls.

    Letters without attribution (never mailed, or no calls linked) come last with zeros, so every
    letter in the store is listed.
    """
    frame = store.con.execute(
        f"""
        WITH sent AS (
            SELECT template_id, sum(count)::BIGINT AS letters_sent, min(sent_date) AS first_sent,
                   max(sent_date) AS last_sent
            FROM mailings GROUP BY template_id),
        spread AS (  -- how much of a letter's calls its top topic holds, over how many topics
            SELECT template_id, max(attributed_calls) / nullif(sum(attributed_calls), 0) AS top_topic_share,
                   count(*) FILTER (WHERE attributed_calls >= 0.5) AS n_topics
            FROM letter_links GROUP BY template_id)
        SELECT l.template_id, l.title, l.department,
               coalesce(a.letters_sent, s.letters_sent, 0)::BIGINT AS letters_sent,
               coalesce(a.attributed_calls, 0) AS attributed_calls,
               coalesce(a.attributed_low, 0) AS attributed_low,
               coalesce(a.attributed_high, 0) AS attributed_high,
               a.timing_shown_calls,  -- null where the analysis predates it (schema < 6)
               coalesce(a.avoidable_calls, 0) AS avoidable_calls,
               coalesce(a.calls_per_1000, 0) AS calls_per_1000,
               coalesce(a.estimated_cost_eur, 0) AS estimated_cost_eur,
               a.top_topic, t.label AS top_topic_label,
               CASE WHEN a.top_topic IS NOT NULL THEN d.top_topic_share END AS top_topic_share,
               coalesce(d.n_topics, 0)::INTEGER AS n_topics, a.top_paragraph, p.text AS top_paragraph_text,
               r.b1_verdict, r.lint_level::INTEGER AS lint_level, s.first_sent, s.last_sent
        FROM letters l
        LEFT JOIN letter_attribution a USING (template_id)
        LEFT JOIN sent s USING (template_id)
        LEFT JOIN spread d USING (template_id)
        LEFT JOIN {SHOWN_TOPICS} t ON t.topic_id = a.top_topic
        LEFT JOIN letter_paragraphs p ON p.template_id = l.template_id AND p.paragraph_no = a.top_paragraph
        LEFT JOIN letter_readability r ON r.template_id = l.template_id
        ORDER BY avoidable_calls DESC, attributed_calls DESC, letters_sent DESC, l.template_id
        """
    ).df()
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame.reindex(columns=RANKING_COLUMNS)
