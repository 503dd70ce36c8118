"""Markdown to safe HTML: fenced code highlighted by Pygments, the result cleaned by nh3."""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

ALLOWED_TAGS = {
    "p", "br", "hr", "pre", "code", "span", "em", "strong", "del", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"span": {"class"}, "code": {"class"}, "a": {"href", "title"},
                      "th": {"align"}, "td": {"align"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
_FORMATTER = HtmlFormatter(nowrap=True, classprefix="hl-")


def _highlight(code: str, lang: str, _attrs: str) -> str:
    try:
        lexer = get_lexer_by_name(lang) if lang else None
    except ClassNotFound:
        lexer = None
    return highlight(code, lexer, _FORMATTER) if lexer else ""


_MD = MarkdownIt("commonmark", {"html": False, "highlight": _highlight}).enable("table")


@lru_cache(maxsize=4096)
def render_markdown(text: str) -> Markup:
    """Markdown as HTML that is safe to show (no raw HTML, scripts or javascript: links)."""
    html = _MD.render(text or "")
    return Markup(
        nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES)
    )


@lru_cache(maxsize=4096)
def render_inline(text: str) -> Markup:
    html = _MD.renderInline(text or "")
    return Markup(
        nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES)
    )


def pygments_css() -> str:
    return HtmlFormatter(classprefix="hl-", style="friendly").get_style_defs("pre code")
