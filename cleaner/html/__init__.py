"""The HTML path: parse once, prune with selector rules, extract the main content as blocks."""

from ._page import Page, extract_page

__all__ = ["Page", "extract_page"]
