"""Letter Clarity Analyzer: find the municipal letters that generate avoidable calls."""

from __future__ import annotations

__version__ = "0.1.0"
