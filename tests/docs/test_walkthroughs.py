"""The docs' curl walk-throughs run top to bottom against a demo shop, and answer what they show.

How a walk-through is marked and what its comments assert: tests/docs/walkthroughs.py.
"""

import shutil

import pytest
from django.core.management import call_command

from tests.docs.walkthroughs import ROOT, parse, run, unmarked_curl_blocks

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
WALKTHROUGHS = [path for path in DOCS if parse(path)]
OWNER_PASSWORD = "demo owner passphrase 42"


def test_the_walkthroughs_are_found():
    # The suite cannot pass by running nothing: the API guide's walk-through is there.
    assert ROOT / "docs" / "api.md" in WALKTHROUGHS
    walkthrough = parse(ROOT / "docs" / "api.md")
    assert walkthrough and len(walkthrough.requests) >= 30


@pytest.mark.parametrize("path", DOCS, ids=lambda path: path.name)
def test_every_curl_block_is_a_walkthrough_or_says_why_not(path):
    unmarked = unmarked_curl_blocks(path)
    assert unmarked == [], f"{path.name}: mark these ```sh blocks (see tests/docs/walkthroughs.py)"


# Ids as on a fresh `make run` shop: the docs use variant 1, 2 and 3.
@pytest.mark.django_db(transaction=True, reset_sequences=True)
@pytest.mark.parametrize("path", WALKTHROUGHS, ids=lambda path: path.name)
def test_walkthrough_runs_as_written(path, live_server, monkeypatch):
    assert shutil.which("bash") and shutil.which("curl"), "the walk-through tests need bash and curl"
    monkeypatch.setenv("LOJISTA_STAFF_PASSWORD", OWNER_PASSWORD)
    call_command("seed_demo", verbosity=0)

    walkthrough = parse(path)
    assert walkthrough
    problems = run(walkthrough, server_url=live_server.url, password=OWNER_PASSWORD)

    assert not problems, "\n\n".join(problems)
