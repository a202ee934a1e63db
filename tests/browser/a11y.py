"""axe-core in the browser tests: ``serious_violations(page)`` injects the
vendored axe.min.js (tests/browser/vendor/, never downloaded at run time)
and returns the serious and critical violations on the page, each as
"rule: target, target…" for a readable assertion."""

from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SERIOUS = {"serious", "critical"}


def serious_violations(page) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Not page.add_script_tag: the shop's Content-Security-Policy refuses
        # inline scripts. Evaluated by the test's browser connection, which
        # the policy does not govern.
        page.evaluate("() => {\n" + AXE.read_text(encoding="utf-8") + "\n}")
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        for violation in results["violations"]
        if violation["impact"] in SERIOUS
    ]
