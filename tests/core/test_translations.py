"""The Portuguese (Brazil) catalogue is complete and its compiled file current.

The compiled .mo is committed so that a fresh machine needs no GNU gettext;
`make messages` regenerates both.
"""

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[2] / "lojista" / "locale" / "pt_BR" / "LC_MESSAGES"


def test_every_message_has_a_portuguese_translation():
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    missing = [entry.msgid for entry in catalogue if not entry.translated() and not entry.obsolete]
    assert missing == []


def test_compiled_catalogue_matches_the_source():
    source = {
        (entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural
        for entry in polib.pofile(str(LOCALE / "django.po"))
        if entry.translated()
    }
    compiled = {
        (entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural
        for entry in polib.mofile(str(LOCALE / "django.mo"))
    }
    assert compiled == source, "run `make messages` to recompile lojista/locale"
