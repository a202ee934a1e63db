"""Run the documentation's curl walk-throughs as written, and check what they show.

The convention (docs/development.md, "Tested walk-throughs"):

- A fenced ```` ```sh ```` block right after the line ``<!-- walkthrough -->``
  is a walk-through. The blocks of one file run in order, in one bash
  session (``set -euo pipefail``), so a variable set in one block (``$API``,
  ``$TOKEN``) is there in the next. A ```` ```sh ```` block with ``curl`` in
  it and no marker must say why with ``<!-- not a walkthrough: … -->``.
- The blocks talk to ``http://127.0.0.1:8000`` as a reader's ``make run``
  would: ``curl`` is a shell function that sends each request to the test
  server instead, and records its status and body.
- ``PRINTED-PASSWORD`` is the password ``seed_demo`` prints; the test seeds
  the demo shop with a known one.
- A comment ``# → …`` right after a command (more lines of it start with
  ``#   ``) is what that command's last request answers: an optional status
  (``201``), then any ``"key": value`` pairs, each of which must be somewhere
  in the JSON body (``…`` stands for what is left out; ``"key": "…"`` only
  says the key is there). Only pairs with a plain value (text, number,
  true, false, null) are checked; ``"total": {"amount": "52.90", …}`` checks
  that some ``amount`` is ``"52.90"``. A request without
  such a comment must answer 2xx.
"""

import json
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
MARKER = "<!-- walkthrough -->"
NOT_A_WALKTHROUGH = "<!-- not a walkthrough:"
DOC_HOST = "http://127.0.0.1:8000"
PASSWORD_PLACEHOLDER = "PRINTED-PASSWORD"

FENCE = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)
# "key": scalar, inside an expectation comment.
PAIR = re.compile(r'"(\w+)":\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false|null)')

SHELL_PRELUDE = r"""
set -euo pipefail
curl() {
  local n args=() a
  n=$(( $(cat "$WT_LOG/count") + 1 ))
  echo "$n" > "$WT_LOG/count"
  for a in "$@"; do
    a=${a//"$WT_DOC_HOST"/"$WT_SERVER"}
    a=${a//"$WT_PLACEHOLDER"/"$WT_PASSWORD"}
    args+=("$a")
  done
  command curl --max-time 60 -o "$WT_LOG/$n.body" -w '%{http_code}' "${args[@]}" > "$WT_LOG/$n.status"
  cat "$WT_LOG/$n.body"
}
"""


@dataclass
class Request:
    """One ``curl`` of a walk-through, and what the doc says it answers."""

    line: int  # in the markdown file
    command: str
    status: int | None = None
    pairs: list[tuple[str, Any]] = field(default_factory=list)
    expected: str = ""


@dataclass
class Walkthrough:
    path: Path
    script: str
    requests: list[Request]


def sh_blocks(text: str) -> list[tuple[int, str, str]]:
    """(line of the block's first line, the line before the fence, the block) for every ```sh block."""
    blocks = []
    for match in FENCE.finditer(text):
        start = text.count("\n", 0, match.start()) + 1
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1].strip()
        blocks.append((start + 1, before, match.group(1)))
    return blocks


def unmarked_curl_blocks(path: Path) -> list[int]:
    """Lines of the ```sh blocks with curl that carry neither marker."""
    return [
        line
        for line, before, block in sh_blocks(path.read_text())
        if "curl " in block and before != MARKER and not before.startswith(NOT_A_WALKTHROUGH)
    ]


def parse(path: Path) -> Walkthrough | None:
    """The file's walk-through blocks as one script, with the requests they make in order."""
    blocks = [(line, block) for line, before, block in sh_blocks(path.read_text()) if before == MARKER]
    if not blocks:
        return None
    requests: list[Request] = []
    for first_line, block in blocks:
        expectation: Request | None = None
        for offset, raw in enumerate(block.split("\n")):
            stripped = raw.strip()
            if stripped.startswith("# →"):
                assert requests, f"{path}:{first_line + offset}: an expectation before any request"
                expectation = requests[-1]
                expectation.expected = stripped.removeprefix("# →").strip()
                continue
            if expectation is not None and stripped.startswith("#   "):
                expectation.expected += " " + stripped.removeprefix("#").strip()
                continue
            expectation = None
            if stripped.startswith("#"):
                continue
            for _ in re.finditer(r"(?:^|[\s(])curl\s", raw):
                requests.append(Request(line=first_line + offset, command=stripped))
    for request in requests:
        status = re.match(r"(\d{3})\b", request.expected)
        request.status = int(status.group(1)) if status else None
        request.pairs = [(key, json.loads(value)) for key, value in PAIR.findall(request.expected)]
    script = "\n".join(block for _, block in blocks)
    return Walkthrough(path=path, script=script, requests=requests)


ANY = "…"


def contains(body: Any, key: str, value: Any) -> bool:
    """Whether ``key: value`` is anywhere in a JSON document (``"…"``: any value)."""
    if isinstance(body, dict):
        if key in body and (value == ANY or (body[key] == value and type(body[key]) is type(value))):
            return True
        return any(contains(item, key, value) for item in body.values())
    if isinstance(body, list):
        return any(contains(item, key, value) for item in body)
    return False


def run(walkthrough: Walkthrough, *, server_url: str, password: str) -> list[str]:
    """Run the walk-through against ``server_url``; the problems found, each naming its line."""
    where = walkthrough.path.relative_to(ROOT)
    with tempfile.TemporaryDirectory() as log:
        Path(log, "count").write_text("0")
        env = {
            "PATH": os.environ["PATH"],
            "HOME": log,
            "WT_LOG": log,
            "WT_SERVER": server_url,
            "WT_DOC_HOST": DOC_HOST,
            "WT_PLACEHOLDER": PASSWORD_PLACEHOLDER,
            "WT_PASSWORD": password,
        }
        result = subprocess.run(
            ["bash", "-c", SHELL_PRELUDE + walkthrough.script],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        made = int(Path(log, "count").read_text())
        problems = []
        for number, request in enumerate(walkthrough.requests[:made], start=1):
            status = int(Path(log, f"{number}.status").read_text() or 0)
            raw = Path(log, f"{number}.body").read_text() if Path(log, f"{number}.body").exists() else ""
            problems += check(request, status, raw, f"{where}:{request.line}")
        if result.returncode != 0 or made != len(walkthrough.requests):
            last = walkthrough.requests[made - 1] if made else None
            problems.append(
                f"{where}: the script stopped (exit {result.returncode}) after {made} of "
                f"{len(walkthrough.requests)} requests"
                + (f", the last at line {last.line}: {last.command}" if last else "")
                + f"\nstderr: {result.stderr[-2000:]}"
            )
    return problems


def check(request: Request, status: int, raw: str, where: str) -> list[str]:
    shown = f"{where}: {request.command}\n  → {status} {raw[:500]}"
    if request.status is not None and status != request.status:
        return [f"{shown}\n  the doc shows {request.status}"]
    if request.status is None and not 200 <= status < 300:
        return [f"{shown}\n  the doc shows a success"]
    if not request.pairs:
        return []
    try:
        body = json.loads(raw)
    except ValueError:
        return [f"{shown}\n  the doc shows JSON"]
    missing = [
        f'"{key}": {json.dumps(value)}' for key, value in request.pairs if not contains(body, key, value)
    ]
    return [f"{shown}\n  the doc shows {', '.join(missing)}"] if missing else []
