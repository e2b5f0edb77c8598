"""Long lists link a window of pages, not every page: a district's library runs to hundreds of
pages, and a link per page made the video list slow to render and tiring to tab through."""
import re

from flask import render_template_string

TEMPLATE = ('{% from "macros/pager.html" import pager %}'
            '{% macro to(number) %}/videos?page={{ number }}{% endmacro %}'
            '{{ pager(current, pages, to) }}')


def _links(app, current, pages):
    with app.test_request_context():
        html = render_template_string(TEMPLATE, current=current, pages=pages)
    return re.findall(r'href="/videos\?page=(\d+)"[^>]*>([^<]+)', html), html


def test_the_middle_of_a_long_list_links_its_neighbours_the_ends_and_previous_next(app):
    links, html = _links(app, 50, 400)
    assert [text for _, text in links] == ["Previous", "1", "48", "49", "50", "51", "52",
                                           "400", "Next"]
    assert [number for number, _ in links] == ["49", "1", "48", "49", "50", "51", "52",
                                               "400", "51"]
    assert html.count("…") == 2
    assert 'href="/videos?page=50" aria-current="page"' in html


def test_the_first_and_last_pages_have_no_link_beyond_the_list(app):
    first, _ = _links(app, 1, 3)
    assert [text for _, text in first] == ["1", "2", "3", "Next"]
    last, html = _links(app, 3, 3)
    assert [text for _, text in last] == ["Previous", "1", "2", "3"]
    assert "…" not in html


def test_a_single_page_has_no_pager(app):
    _, html = _links(app, 1, 1)
    assert "<nav" not in html
