"""The only tags and filters merchant-editable email templates may use.

The email engine (templating.py) takes this library as its sole builtin, and
no other library can be loaded (there is no ``load`` tag): anything not listed
here, such as ``include``, ``extends``, ``load``, ``debug``, ``url``, ``safe``
or ``autoescape``, is a syntax error when the template is saved.
"""

from collections.abc import Callable
from typing import Any

from django.template import Library, defaultfilters, defaulttags
from django.templatetags import i18n

register = Library()

TAGS: dict[str, Callable[..., Any]] = {
    "if": defaulttags.do_if,
    "for": defaulttags.do_for,
    "with": defaulttags.do_with,
    "comment": defaulttags.comment,
    "spaceless": defaulttags.spaceless,
    "firstof": defaulttags.firstof,
    "now": defaulttags.now,
    "trans": i18n.do_translate,
    "translate": i18n.do_translate,
    "blocktrans": i18n.do_block_translate,
    "blocktranslate": i18n.do_block_translate,
}

# Formatting only: none of them marks text safe, reads a file or a setting.
FILTERS: dict[str, Callable[..., Any]] = {
    "add": defaultfilters.add,
    "capfirst": defaultfilters.capfirst,
    "date": defaultfilters.date,
    "default": defaultfilters.default,
    "default_if_none": defaultfilters.default_if_none,
    "escape": defaultfilters.escape_filter,
    "first": defaultfilters.first,
    "floatformat": defaultfilters.floatformat,
    "join": defaultfilters.join,
    "last": defaultfilters.last,
    "length": defaultfilters.length,
    "linebreaks": defaultfilters.linebreaks_filter,
    "linebreaksbr": defaultfilters.linebreaksbr,
    "lower": defaultfilters.lower,
    "pluralize": defaultfilters.pluralize,
    "time": defaultfilters.time,
    "title": defaultfilters.title,
    "truncatechars": defaultfilters.truncatechars,
    "truncatewords": defaultfilters.truncatewords,
    "upper": defaultfilters.upper,
    "urlencode": defaultfilters.urlencode,
    "yesno": defaultfilters.yesno,
}

for name, compile_function in TAGS.items():
    register.tag(name, compile_function)
for name, filter_function in FILTERS.items():
    register.filter(name, filter_function)
