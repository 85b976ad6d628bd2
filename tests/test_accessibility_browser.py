"""The pages are accessible: axe-core finds nothing serious in a real browser, and what axe
cannot see is checked by hand (every control reached by Tab and named; the keyboard alone
changes the activity).

axe-core runs from the copy bundled in ``axe-playwright-python`` (nothing is fetched). On
the teacher's page it looks at the app only (``.asyncmon-app``): the frame around it is
Voila's lab template (its hidden JupyterLab shell, the loading spinner), which the product
does not draw. The published coordinator page is the product's own from top to bottom, so
axe looks at all of it.

A failure lists each violation's rule, impact, help and the elements it was found on.
"""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from asyncmon.charts import contrast
from asyncmon.cli import main
from asyncmon.page_parts import STYLE

from .browser import open_page, serve
from .other_class import BEFORE_CLASS, import_other_class

NOW = "2025-03-10T20:00:00Z"  # the evening before BIO101 w4's class
APP = ".asyncmon-app"
CONTROLS = "select, input, textarea, button"
SERIOUS = ("serious", "critical")
#: Rules kept at any impact: the headings' outline is the page's table of contents, and a
#: page of our own has its main part marked (a screen reader jumps to it).
ALWAYS = ("heading-order", "page-has-heading-one", "landmark-one-main")
#: An element as a reader of a failure finds it: its tag and the app's class around it.
DESCRIBE = """e => {
    let box = e;
    while (box && ![...box.classList].some(c => c.startsWith('asyncmon'))) box = box.parentElement;
    const css = box ? [...box.classList].filter(c => c.startsWith('asyncmon')) : [];
    return [e.tagName.toLowerCase(), ...css].join('.');
}"""


def serious_violations(page, context: dict | None = None) -> list[str]:
    """axe-core's serious and critical violations on ``page`` (and any of ``ALWAYS``), one
    readable line each."""
    found = Axe().run(page, context=context).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        + (f" and {len(v['nodes']) - 5} more" if len(v["nodes"]) > 5 else "")
        for v in found
        if v["impact"] in SERIOUS or v["id"] in ALWAYS
    ]


def accessible_names(page, selector: str) -> list[tuple[str, str]]:
    """``(what, accessible name)`` of every visible element matching ``selector``, as the
    browser's accessibility tree computes it (Chromium's, through the DevTools protocol)."""
    cdp = page.context.new_cdp_session(page)
    count = page.locator(selector).count()
    names = []
    for i in range(count):
        element = f"document.querySelectorAll({selector!r})[{i}]"
        if not page.evaluate(f"{element}.getClientRects().length > 0"):
            continue  # not shown (a hidden choice): not reachable either
        handle = cdp.send("Runtime.evaluate", {"expression": element})["result"]["objectId"]
        node = cdp.send(
            "Accessibility.getPartialAXTree", {"objectId": handle, "fetchRelatives": False}
        )["nodes"][0]
        what = page.evaluate(f"({DESCRIBE})({element})")
        names.append((what, node.get("name", {}).get("value", "")))
    cdp.detach()
    return names


def tab_order(page, *, limit: int = 150) -> list[str]:
    """Press Tab from the top of the page until focus comes round again; mark each
    element reached (``data-am-tab``) and return what was reached, in order."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.evaluate("window.scrollTo(0, 0)")
    reached = []
    for n in range(limit):
        page.keyboard.press("Tab")
        seen = page.evaluate(
            """n => {
                const e = document.activeElement;
                if (!e || e === document.body) return null;
                if (e.hasAttribute('data-am-tab')) return 'again';
                e.setAttribute('data-am-tab', n);
                return e.tagName.toLowerCase() + (e.className ? '.' + e.className : '');
            }""",
            n,
        )
        if seen in (None, "again"):
            break
        reached.append(seen)
    return reached


def unreachable_or_unnamed(page) -> list[str]:
    """The app's shown, enabled controls that Tab does not reach or that have no name."""
    tab_order(page)
    problems = []
    controls = f"{APP} :is({CONTROLS}):not([disabled])"
    for what, name in accessible_names(page, controls):
        if not name.strip():
            problems.append(f"{what} has no accessible name")
    missed = page.eval_on_selector_all(
        controls,
        """els => els.filter(e => e.getClientRects().length > 0 && !e.hasAttribute('data-am-tab'))
                     .map(e => e.outerHTML.slice(0, 120))""",
    )
    problems += [f"not reached by Tab: {html}" for html in missed]
    return problems


def focus_by_tab(page, selector: str, *, limit: int = 150) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        if page.evaluate(f"document.activeElement === document.querySelector({selector!r})"):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"Tab never reached {selector}")


def test_the_teachers_page_is_accessible_and_works_from_the_keyboard(browser, workspace):
    problems = []
    with serve(workspace.path, now=NOW) as url:
        page = open_page(browser, url, problems)
        assert serious_violations(page, {"include": [[APP]]}) == []
        assert unreachable_or_unnamed(page) == []

        # the keyboard alone: Tab to the activity list, an arrow key picks the one before,
        # and the page is drawn for it
        title = page.inner_text(".asyncmon-title")
        page.evaluate("document.activeElement && document.activeElement.blur()")
        focus_by_tab(page, ".asyncmon-activity select")
        page.keyboard.press("ArrowUp")
        page.wait_for_function(
            "t => document.querySelector('.asyncmon-title').innerText !== t",
            arg=title,
            timeout=60_000,
        )
        assert "w3" in page.inner_text(".asyncmon-title")
        page.wait_for_selector(".asyncmon-heatmap svg", timeout=60_000)

        # the group editor opens from the keyboard (Enter on its button); its controls too
        focus_by_tab(page, ".asyncmon-edit-open")
        page.keyboard.press("Enter")
        page.wait_for_selector(".asyncmon-group-editor", timeout=60_000)
        assert serious_violations(page, {"include": [[APP]]}) == []
        assert unreachable_or_unnamed(page) == []
        page.close()
    assert problems == []


def test_the_teachers_page_on_a_class_that_is_not_the_sample(browser, tmp_path):
    import_other_class(tmp_path)
    problems = []
    with serve(tmp_path, now=BEFORE_CLASS) as url:
        page = open_page(browser, url, problems)
        assert serious_violations(page, {"include": [[APP]]}) == []
        assert unreachable_or_unnamed(page) == []
        page.close()
    assert problems == []


def test_the_published_coordinator_page(browser, workspace, tmp_path):
    out = tmp_path / "report.html"
    assert main(["publish", "--workspace", str(workspace.path), "--out", str(out)]) == 0
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(out.as_uri())
    page.wait_for_function(
        "document.querySelectorAll('.js-plotly-plot .main-svg').length >= 3", timeout=60_000
    )
    assert page.evaluate("document.documentElement.lang") == "en"
    assert serious_violations(page) == []
    page.close()


TEMPLATES = Path(__file__).parent.parent / "asyncmon" / "templates"


def test_every_text_colour_of_our_style_sheets_meets_wcag_aa():
    """What axe sees only when it is on screen (a warning, a failed verdict, a conflict):
    every ``color`` our style sheets set reads at 4.5:1 or more on its rule's background
    (white when the rule sets none)."""
    sheets = {"the teacher's page": STYLE}
    for name in ("coordinator.html.j2", "brief_page.html.j2", "_style.html.j2"):
        sheets[name] = (TEMPLATES / name).read_text(encoding="utf-8")
    checked, weak = 0, []
    for where, text in sheets.items():
        css = " ".join(re.findall(r"<style>(.*?)</style>", text, flags=re.S))
        for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
            ink = re.search(r"(?<![-\w])color:\s*#([0-9a-fA-F]{3,6})\b", body)
            if not ink:
                continue
            paper = re.search(r"background(?:-color)?:\s*#([0-9a-fA-F]{3,6})\b", body)
            ratio = contrast(_hex(ink[1]), _hex(paper[1] if paper else "fff"))
            checked += 1
            if ratio < 4.5:
                weak.append(f"{where}: {selector.strip()} #{ink[1]} reads at {ratio:.1f}:1")
    assert checked >= 15 and weak == []


def _hex(digits: str) -> str:
    """``#rrggbb`` from CSS's 3 or 6 hex digits."""
    return "#" + ("".join(d * 2 for d in digits) if len(digits) == 3 else digits)
