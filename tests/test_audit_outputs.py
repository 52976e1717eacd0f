"""The audit's renderers: the terminal summary, the caseload CSV and the printable HTML page.

The cases are built by hand (an invented family, the Reids, with a good case file, and two
poorer ones) so these tests check what a reader sees, whatever the extraction finds. The
page is also opened in headless Chromium, offline, and its screenshot read pixel by pixel.
"""

from __future__ import annotations

import csv
import io
import re
import struct
import zlib
from html.parser import HTMLParser
from typing import Any, TypeVar

import lxml.html
import pytest

from blamecheck.auditing.caseload import summarise
from blamecheck.auditing.model import (
    CRITERIA,
    CRITERION_TITLES,
    Behaviour,
    CaseAudit,
    Caseload,
    Child,
    Criterion,
    Document,
    Effort,
    Evidence,
    Factor,
    Impact,
    MapSection,
    People,
    Plan,
    PlanAction,
)
from blamecheck.surfaces.formats.audit_csv import BASE_COLUMNS, caseload_csv
from blamecheck.surfaces.formats.audit_html import caseload_html
from blamecheck.surfaces.formats.audit_text import render_case, render_caseload

from .conftest import chromium_dom, chromium_screenshot, headless_chromium

REFERRAL, NOTE, PLAN = "referral.txt", "notes/home-visit.md", "safety-plan.docx"
DATES = {REFERRAL: "2024-01-08", NOTE: "2024-02-14", PLAN: "2024-03-02"}
LONG = "He said " + "that she would never see the children again and " * 40 + "she believed him."
SCRIPT = "Leo drew the house and wrote <script>alert(1)</script> & “Dad shouts”."


E = TypeVar("E", bound=Evidence)
_ITS_DATE = "the document's own date"


def _at(
    cls: type[E], doc: str, line: int, text: str, date: str | None = _ITS_DATE, **fields: Any
) -> E:
    """One piece of evidence as the extraction would give it (offsets are made up)."""
    return cls(
        doc=doc,
        date=DATES.get(doc) if date == _ITS_DATE else date,
        line=line,
        start=line * 80,
        end=line * 80 + len(text),
        text=text,
        **fields,
    )


def _criteria(levels: dict[str, str], reasons: dict[str, str]) -> tuple[Criterion, ...]:
    return tuple(
        Criterion(id=cid, title=CRITERION_TITLES[cid], level=levels[cid], reason=reasons[cid])
        for cid in CRITERIA
    )


def _reid() -> CaseAudit:
    """The good case file: his pattern, each child's experience and her efforts recorded."""
    behaviours = (
        _at(Behaviour, REFERRAL, 4, "Colin pushed Dana against the kitchen door.", type="physical"),
        _at(Behaviour, REFERRAL, 7, "Colin checks Dana's phone every evening.", type="monitoring"),
        _at(Behaviour, NOTE, 12, "He has stopped her seeing her sister.", type="isolation"),
        _at(Behaviour, NOTE, 15, "He keeps her bank card.", type="economic"),
        _at(Behaviour, NOTE, 18, "He told Amy her mother is lazy.", type="undermining-parenting"),
    )
    amy = _at(
        Impact,
        NOTE,
        21,
        "Since Colin shouted at Dana in front of her, Amy (9) wets the bed and will not sleep "
        "alone.",
        child="Amy",
        specific=True,
    )
    leo = _at(
        Impact,
        NOTE,
        24,
        "Leo has been affected by the domestic abuse.",
        child="Leo",
        specific=False,
        lacking=("behaviour", "effect"),
    )
    efforts = (
        _at(Effort, NOTE, 30, "Dana takes the children to her sister's when he drinks."),
        _at(Effort, NOTE, 31, "Dana moved Amy's bed into her own room."),
    )
    factor = _at(
        Factor,
        REFERRAL,
        9,
        "Colin's drinking increases before his violent outbursts.",
        factor="substance-use",
        whose="perpetrator",
        framing="his-cause",
    )
    actions = (
        _at(
            PlanAction,
            PLAN,
            3,
            "Colin to attend the Caledonian programme weekly.",
            who="perpetrator",
            behaviour_change_goal=True,
            safety_route=None,
        ),
        _at(
            PlanAction,
            PLAN,
            4,
            "Colin to stop checking Dana's phone.",
            who="perpetrator",
            behaviour_change_goal=True,
            safety_route=None,
        ),
        _at(
            PlanAction,
            PLAN,
            6,
            "Dana to keep her support worker's number.",
            who="survivor",
            behaviour_change_goal=False,
            safety_route=None,
        ),
        _at(
            PlanAction,
            PLAN,
            8,
            "Social worker to see Amy and Leo at school fortnightly.",
            who="agency",
            behaviour_change_goal=False,
            safety_route=None,
        ),
    )
    levels = dict.fromkeys(CRITERIA, "met") | {"ii": "partly", "viii": "partly"}
    reasons = {
        "i": "Her account is recorded in her words and her plan is built with her.",
        "ii": "He has a programme place; no one has yet met him about the children.",
        "iii": "The plan keeps Amy and Leo with Dana.",
        "iv": "Monitoring, isolation and economic abuse are recorded as his choices.",
        "v": "He undermines Dana's parenting to Amy.",
        "vi": "Two of her protective efforts are recorded.",
        "vii": "Amy's experience is specific; Leo's is generic.",
        "viii": "His drinking is recorded as his; nothing on housing or money.",
    }
    criteria = list(_criteria(levels, reasons))
    criteria[3] = criteria[3].model_copy(update={"evidence": behaviours[1:4]})
    pattern = (
        MapSection(title="His harmful parenting choices", evidence=behaviours),
        MapSection(title="Her protective efforts", evidence=efforts),
        MapSection(
            title="Impact on each child",
            evidence=(amy, leo),
            gaps=("Leo: what did he see or hear, and what effect has it had on him?",),
        ),
        MapSection(
            title="Complicating factors",
            evidence=(factor,),
            gaps=("Housing and money are not recorded.",),
        ),
    )
    return CaseAudit(
        case="reid-family",
        path="cases/reid-family",
        people=People(
            survivor=("Dana Reid",), perpetrator=("Colin Reid",), children=("Amy", "Leo")
        ),
        documents=(
            Document(path=REFERRAL, date=DATES[REFERRAL], words=412, findings={}),
            Document(path=NOTE, date=DATES[NOTE], words=1270, findings={"child-impact": 1}),
            Document(path=PLAN, date=DATES[PLAN], words=388, findings={}),
        ),
        behaviours=behaviours,
        coercive_control_recorded=True,
        children=(Child(name="Amy", specific=(amy,)), Child(name="Leo", generic=(leo,))),
        efforts=efforts,
        factors=(factor,),
        plan=Plan(
            actions=actions,
            by_person={"perpetrator": 2, "survivor": 1, "agency": 1},
            behaviour_change_goal=True,
        ),
        criteria=tuple(criteria),
        findings={"child-impact": 1},
        pattern_map=pattern,
        gaps=tuple(g for s in pattern for g in s.gaps),
    )


def _poor() -> CaseAudit:
    """The case file the training warns about: incidents, her failures, her tasks alone."""
    hit = _at(
        Behaviour, "incident-log.txt", 2, "Mr Hale hit Ms Hale.", "2023-11-30", type="physical"
    )
    kick = _at(
        Behaviour,
        "incident-log.txt",
        9,
        "There was an altercation; Mr Hale kicked the door in.",
        "2023-12-20",
        type="physical",
    )
    generic = _at(
        Impact,
        "assessment.txt",
        14,
        "The children are exposed to domestic violence.",
        "2024-01-15",
        child=None,
        specific=False,
        lacking=("behaviour", "child", "effect"),
    )
    blame = _at(
        Factor,
        "assessment.txt",
        20,
        "Mother's depression means she fails to protect.",
        "2024-01-15",
        factor="mental-health",
        whose="survivor",
        framing="her-culpability",
    )
    tasks = tuple(
        _at(
            PlanAction,
            "assessment.txt",
            30 + i,
            text,
            "2024-01-15",
            who="survivor",
            behaviour_change_goal=False,
            safety_route=route,
        )
        for i, (text, route) in enumerate(
            [
                ("Ms Hale must end the relationship.", "separation"),
                ("Ms Hale to call the police if he returns.", "calling-police"),
                ("Ms Hale to attend a parenting course.", None),
            ]
        )
    )
    levels = dict.fromkeys(CRITERIA, "not-evidenced") | {"iii": "partly"}
    reasons = {cid: f"Nothing in the file shows criterion {cid}." for cid in CRITERIA}
    reasons["iii"] = "The plan asks her to separate; the children stay with her."
    pattern = (
        MapSection(
            title="His harmful parenting choices",
            evidence=(hit, kick),
            gaps=("Only physical incidents: what else does he do to control her?",),
        ),
        MapSection(title="Her protective efforts", gaps=("None of her efforts is recorded.",)),
        MapSection(title="Impact on each child", evidence=(generic,), gaps=("No child is named.",)),
        MapSection(title="Complicating factors", evidence=(blame,)),
    )
    return CaseAudit(
        case="hale-family",
        path="cases/hale-family",
        people=People(survivor=("Ms Hale",), perpetrator=("Mr Hale",)),
        documents=(
            Document(path="incident-log.txt", date="2023-11-30", words=95, findings={}),
            Document(
                path="assessment.txt",
                date="2024-01-15",
                words=640,
                findings={"victim-blaming": 4, "perpetrator-agency": 2},
            ),
        ),
        behaviours=(hit, kick),
        coercive_control_recorded=False,
        generic_impacts=(generic,),
        factors=(blame,),
        plan=Plan(
            actions=tasks,
            by_person={"survivor": 3},
            safety_routes=("separation", "calling-police"),
            rests_on_her_alone=True,
        ),
        criteria=_criteria(levels, reasons),
        findings={"victim-blaming": 4, "perpetrator-agency": 2},
        pattern_map=pattern,
        gaps=tuple(g for s in pattern for g in s.gaps),
        notices=("scan.pdf: not a text file, not read",),
    )


def _hostile() -> CaseAudit:
    """A folder whose name a spreadsheet would run, and words a browser would run."""
    drawing = _at(Evidence, "drawing.txt", 1, SCRIPT, None)
    long = _at(Evidence, "drawing.txt", 3, LONG, None)
    unbroken = _at(Evidence, "drawing.txt", 5, "x" * 3000, None)
    levels = dict.fromkeys(CRITERIA, "partly")
    reasons = dict.fromkeys(CRITERIA, "Some words, no more.")
    criteria = list(_criteria(levels, reasons))
    criteria[6] = criteria[6].model_copy(update={"evidence": (drawing,)})
    return CaseAudit(
        case='=HYPERLINK("x")',
        path='cases/=HYPERLINK("x")',
        people=People(children=("Leo <b>",)),
        documents=(Document(path="drawing.txt", date=None, words=12, findings={}),),
        criteria=tuple(criteria),
        pattern_map=(
            MapSection(
                title="His harmful parenting choices",
                evidence=(long, unbroken),
                gaps=("Who is <i>he</i> & what did he do?",),
            ),
        ),
        gaps=("Who is <i>he</i> & what did he do?",),
    )


@pytest.fixture(scope="module")
def caseload() -> Caseload:
    return summarise([_reid(), _poor(), _hostile()])


# -- terminal -------------------------------------------------------------------------------


def test_the_case_summary_lists_each_criterion_with_its_level_and_reason():
    case = _reid()
    out = render_case(case)
    lines = out.splitlines()
    assert lines[:2] == ["Case: reid-family", "Path: cases/reid-family"]
    for criterion in case.criteria:
        row = next(line for line in lines if line.split()[:1] == [criterion.id])
        assert row.split()[1] == criterion.level
        assert row.endswith(criterion.title)
        assert criterion.reason in out
    assert "survivor: Dana Reid" in out and "perpetrator: Colin Reid" in out
    assert "children: Amy, Leo" in out
    for path, date in DATES.items():
        assert re.search(rf"^  {date}\s+{re.escape(path)}\s", out, re.M), path
    assert "  Amy: 1 specific, 0 generic impact statements" in lines
    assert "  Leo: 0 specific, 1 generic impact statements" in lines
    assert "Her protective efforts: 2 recorded" in lines
    assert re.search(r"^  substance-use\s+perpetrator\s+his-cause$", out, re.M)
    assert "  by person: survivor 1, perpetrator 2, agency 1, child 0, both parents 0" in lines
    assert "  behaviour-change goal for him: yes" in lines
    assert "no coercive control recorded" not in out
    evidence = re.compile(r"^  \d{4}-\d\d-\d\d \S+:\d+  ")
    assert all(len(line) <= 110 for line in lines if not evidence.match(line))


def test_the_case_summary_shows_his_pattern_and_the_map_in_the_order_given():
    case = _reid()
    lines = render_case(case).splitlines()
    assert "  behaviours recorded: 5" in lines
    assert "    physical 1, monitoring 1, isolation 1, economic 1, undermining-parenting 1" in lines
    start = lines.index("His harmful parenting choices")
    shown = lines[start + 1 : start + 6]
    assert shown == [f"  {b.date} {b.doc}:{b.line}  {b.text}" for b in case.pattern_map[0].evidence]
    dates = [line.split()[0] for line in shown]
    assert dates == ["2024-01-08", "2024-01-08", "2024-02-14", "2024-02-14", "2024-02-14"]
    for section in case.pattern_map:
        assert section.title in lines
        for gap in section.gaps:
            assert f"  gap: {gap}" in lines


def test_the_poor_case_says_only_physical_incidents_and_a_plan_on_her_alone():
    out = render_case(_poor())
    assert "  no coercive control recorded, only physical incidents" in out
    assert "  no child named: 1 generic impact statements" in out
    assert "  behaviour-change goal for him: no" in out
    assert "  safety routes: separation, calling-police" in out
    assert "the plan rests on her alone" in out
    assert "  gap: None of her efforts is recorded." in out
    assert "victim-blaming 4" in out
    assert "scan.pdf: not a text file, not read" in out


def test_evidence_is_one_short_line_undated_and_free_of_control_characters():
    case = _hostile().model_copy(
        update={"people": People(survivor=("Ann\x1b[31m Red",), children=("Leo",))}
    )
    out = render_case(case)
    assert "\x1b" not in out
    assert "survivor: Ann [31m Red" in out
    long_line = next(line for line in out.splitlines() if "drawing.txt:3" in line)
    assert long_line.startswith("  undated drawing.txt:3  He said that she would never")
    assert long_line.endswith("…") and len(long_line.split("  ", 2)[2]) <= 100
    assert "  gap: Who is <i>he</i> & what did he do?" in out


def test_the_caseload_summary_counts_each_criterion_and_lists_each_case(caseload):
    out = render_caseload(caseload)
    lines = out.splitlines()
    assert lines[0] == "Caseload: 3 cases"
    row = next(line for line in lines if line.split()[:1] == ["i"])
    assert row.split()[-4:] == ["1", "1", "1", "33%"]
    vii = next(line for line in lines if line.split()[:1] == ["vii"])
    assert vii.split()[-4:] == ["1", "1", "1", "33%"]
    assert "Child impacts: 1 specific, 2 generic" in lines
    assert "Plan tasks: survivor 4, perpetrator 2, agency 1, child 0, both parents 0" in lines
    assert "Cases with a behaviour-change goal for him: 1 of 3" in lines
    assert "Cases resting on separation, moving or the police, with no goal for him: 1 of 3" in (
        lines
    )
    assert "Cases recording only physical incidents: 1 of 3" in lines
    reid = next(line for line in lines if line.startswith("  reid-family"))
    assert "i:met ii:partly iii:met iv:met v:met vi:met vii:met viii:partly  gaps 2" in reid
    hale = next(line for line in lines if line.startswith("  hale-family"))
    assert "i:not-ev ii:not-ev iii:partly" in hale and hale.endswith("gaps 3")
    assert all(len(line) <= 110 for line in lines)


def test_an_empty_caseload_is_said_plainly():
    out = render_caseload(summarise([]))
    assert out.startswith("Caseload: 0 cases\n")
    assert "Cases (levels" not in out


# -- CSV ------------------------------------------------------------------------------------


def test_the_csv_has_one_row_per_case_with_counts_not_words(caseload):
    text = caseload_csv(caseload)
    assert text.endswith("\r\n") and text.count("\r\n") == 4
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert reader.fieldnames == [
        *BASE_COLUMNS,
        "findings_child-impact",
        "findings_perpetrator-agency",
        "findings_victim-blaming",
    ]
    assert reader.fieldnames[4:12] == [f"criterion_{cid}" for cid in CRITERIA]
    reid, hale, hostile = list(reader)
    assert reid["case"] == "reid-family" and reid["path"] == "cases/reid-family"
    assert reid["documents"] == "3" and reid["dates"] == "2024-01-08..2024-03-02"
    assert [reid[f"criterion_{c}"] for c in CRITERIA] == [
        "met",
        "partly",
        "met",
        "met",
        "met",
        "met",
        "met",
        "partly",
    ]
    assert reid["behaviours"] == "5" and reid["coercive_control_recorded"] == "true"
    assert (reid["impacts_specific"], reid["impacts_generic"]) == ("1", "1")
    assert (reid["efforts"], reid["factors"], reid["gaps"]) == ("2", "1", "2")
    assert (reid["plan_survivor"], reid["plan_perpetrator"], reid["plan_agency"]) == ("1", "2", "1")
    assert (reid["plan_child"], reid["plan_both_parents"]) == ("0", "0")
    assert reid["behaviour_change_goal"] == "true" and reid["safety_routes"] == ""
    assert reid["findings_child-impact"] == "1" and reid["findings_victim-blaming"] == "0"
    assert hale["coercive_control_recorded"] == "false" and hale["behaviour_change_goal"] == "false"
    assert hale["safety_routes"] == "separation;calling-police"
    assert hale["dates"] == "2023-11-30..2024-01-15" and hale["plan_survivor"] == "3"
    assert hale["findings_victim-blaming"] == "4" and hale["impacts_generic"] == "1"
    assert hostile["dates"] == ""
    assert "alert" not in text and "Leo" not in text  # no document text in the file


def test_the_csv_defuses_cells_a_spreadsheet_would_run(caseload):
    rows = list(csv.DictReader(io.StringIO(caseload_csv(caseload), newline="")))
    assert rows[2]["case"] == '\'=HYPERLINK("x")'
    assert rows[2]["path"] == 'cases/=HYPERLINK("x")'  # starts with "c": harmless
    for start in "=+-@":
        case = _reid().model_copy(update={"case": f"{start}cmd", "path": f"{start}p"})
        row = next(csv.DictReader(io.StringIO(caseload_csv(summarise([case])), newline="")))
        assert row["case"] == f"'{start}cmd" and row["path"] == f"'{start}p"


def test_an_empty_caseload_is_a_header_only_csv():
    assert caseload_csv(summarise([])) == ",".join(BASE_COLUMNS) + "\r\n"


# -- HTML -----------------------------------------------------------------------------------

_VOID = {"meta", "br", "hr", "img", "input", "link", "wbr", "col", "source"}


class _Balance(HTMLParser):
    """Every opened element is closed, in order: a broken page prints badly."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def _balanced(page: str) -> None:
    parser = _Balance()
    parser.feed(page)
    parser.close()
    assert parser.errors == [] and parser.stack == []


def test_the_page_is_self_contained_and_escapes_every_word(caseload):
    page = caseload_html(caseload)
    assert page.startswith("<!DOCTYPE html>")
    _balanced(page)
    lowered = page.lower()
    for forbidden in ("http:", "https:", "src=", "url(", "<link", "@import", "<script", "<img"):
        assert forbidden not in lowered, forbidden
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; “Dad shouts”" in page
    assert "Leo &lt;b&gt;" in page and "Who is &lt;i&gt;he&lt;/i&gt; &amp; what" in page
    assert "=HYPERLINK(&quot;x&quot;)" in page
    tree = lxml.html.fromstring(page)
    assert tree.xpath("//script") == [] and tree.xpath("//i") == []
    assert "@media print" in page and "break-before: page" in page


def test_the_page_draws_three_labelled_charts(caseload):
    tree = lxml.html.fromstring(caseload_html(caseload))
    for fid, words in (
        ("chart-criteria", "Partnership with the survivor"),
        ("chart-impacts", "1 specific"),
        ("chart-plan", "Survivor 4"),
    ):
        (figure,) = tree.xpath(f'//figure[@id="{fid}"]')
        (svg,) = figure.xpath(".//svg")
        assert svg.get("role") == "img" and words in svg.get("aria-label")
        assert svg.xpath("./title")[0].text_content().strip()
        assert figure.xpath("./figcaption")[0].text_content().strip()
    criteria = tree.xpath('//figure[@id="chart-criteria"]//svg')[0].text_content()
    for cid in CRITERIA:
        assert f"{cid}. {CRITERION_TITLES[cid]}" in criteria
    assert "met 1 · partly 1 · not evidenced 1" in criteria  # counts as text, not colour alone
    plan = tree.xpath('//figure[@id="chart-plan"]//svg')[0].text_content()
    for label in ("Survivor", "Perpetrator", "Agency", "Child", "Both parents"):
        assert label in plan


def test_the_caseload_table_has_a_row_per_case_and_levels_as_words(caseload):
    tree = lxml.html.fromstring(caseload_html(caseload))
    (table,) = tree.xpath('//table[@id="caseload-table"]')
    rows = table.xpath("./tbody/tr")
    assert len(rows) == 3
    reid = [td.text_content() for td in rows[0].xpath("./td")][:8]
    assert reid == ["met", "partly", "met", "met", "met", "met", "met", "partly"]
    first = rows[1].xpath("./td")[0]
    assert first.get("class") == "level level-not-evidenced"
    assert first.text_content() == "not evidenced"
    links = [a.get("href") for a in table.xpath(".//a")]
    sections = [s.get("id") for s in tree.xpath('//section[@class="case"]')]
    assert links == [f"#{s}" for s in sections]
    assert sections == ["case-reid-family", "case-hale-family", "case-hyperlink-x"]


def test_each_case_section_has_the_criteria_the_map_gaps_and_findings(caseload):
    tree = lxml.html.fromstring(caseload_html(caseload))
    (reid,) = tree.xpath('//section[@id="case-reid-family"]')
    text = reid.text_content()
    assert "Dana Reid" in text and "Colin Reid" in text and "Amy, Leo" in text
    for path, date in DATES.items():
        assert date in text and path in text
    (criteria,) = reid.xpath('.//table[@class="criteria"]')
    rows = criteria.xpath("./tbody/tr")
    assert [r.xpath("./td")[0].text_content() for r in rows] == list(CRITERIA)
    iv = rows[3].xpath(".//ul[@class='evidence']/li")
    assert len(iv) == 3 and "2024-01-08 · referral.txt:7" in iv[0].text_content()
    for title in ("His harmful parenting choices", "Her protective efforts"):
        assert title in [h.text_content() for h in reid.xpath(".//h4")]
    gaps = [li.text_content() for li in reid.xpath('.//li[@class="gap"]')]
    assert gaps == [
        "Gap: Leo: what did he see or hear, and what effect has it had on him?",
        "Gap: Housing and money are not recorded.",
    ]
    (hale,) = tree.xpath('//section[@id="case-hale-family"]')
    assert "victim-blaming: 4" in hale.text_content()
    assert "only physical incidents" in hale.text_content()


def test_very_long_evidence_is_cut_and_the_page_still_renders(caseload):
    page = caseload_html(caseload)
    assert "x" * 3000 not in page and "x" * 500 + "…" in page
    assert LONG not in page


def test_a_page_with_no_cases_says_so_and_draws_no_chart():
    page = caseload_html(summarise([]), title="Team B & C")
    _balanced(page)
    tree = lxml.html.fromstring(page)
    assert tree.xpath("//svg") == [] and tree.xpath("//figure") == []
    assert tree.xpath('//table[@id="caseload-table"]') == []
    assert "No cases were audited" in page and "0 cases" in page
    assert "<h1>Team B &amp; C</h1>" in page


def test_a_page_with_one_case_still_draws_every_chart():
    tree = lxml.html.fromstring(caseload_html(summarise([_poor()])))
    assert len(tree.xpath('//figure[starts-with(@id, "chart-")]//svg[@role="img"]')) == 3
    assert "1 case" in tree.xpath('//p[@class="count"]')[0].text_content()


# -- in a real browser ----------------------------------------------------------------------


# added to a copy of the page only: the page itself has no script
_MEASURE = """<script>
const boxes = [];
for (const svg of document.querySelectorAll('figure svg')) {
  const r = svg.getBoundingClientRect();
  boxes.push([svg.parentElement.id, r.top, r.width, r.height].map(
    v => typeof v === 'number' ? Math.round(v) : v).join(','));
}
document.body.setAttribute('data-charts', boxes.join(';'));
const table = document.getElementById('caseload-table').getBoundingClientRect();
const main = document.querySelector('main').getBoundingClientRect();
document.body.setAttribute('data-overflow', [
  document.documentElement.scrollWidth - document.documentElement.clientWidth,
  Math.round(table.right - main.right),
].join(','));
</script>"""


def _pixels(png: bytes) -> tuple[int, int, int, list[bytes]]:
    """Width, height, bytes per pixel and the unfiltered rows of an 8-bit RGB(A) PNG."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, [], b""
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = data
        elif kind == b"IDAT":
            idat.append(data)
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif kind == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev, strict=True))
        elif kind == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif kind == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def test_the_page_renders_offline_in_chromium_with_its_charts(tmp_path, caseload):
    page = caseload_html(caseload)
    page_path = tmp_path / "audit.html"
    page_path.write_text(page, encoding="utf-8")
    measured = tmp_path / "measured.html"
    measured.write_text(page.replace("</body>", _MEASURE + "</body>"), encoding="utf-8")
    command = headless_chromium(tmp_path / "profile", "1280,2000")
    dom = chromium_dom(command, measured)
    assert dom.count('<svg role="img"') == 3
    for fid in ("chart-criteria", "chart-impacts", "chart-plan"):
        assert f'<figure id="{fid}">' in dom
    assert dom.count('<section class="case"') == 3
    charts = re.search(r'data-charts="([^"]*)"', dom)
    assert charts, "the page did not render"
    boxes = {}
    for box in charts.group(1).split(";"):
        fid, top, width, height = box.split(",")
        boxes[fid] = (int(top), int(width), int(height))
        assert int(width) > 300 and int(height) > 60, box
    assert set(boxes) == {"chart-criteria", "chart-impacts", "chart-plan"}
    overflow = re.search(r'data-overflow="(-?\d+),(-?\d+)"', dom)
    assert overflow, "the page did not render"
    page_overflow, table_overflow = int(overflow.group(1)), int(overflow.group(2))
    assert page_overflow <= 0  # long evidence wraps: no sideways scrolling
    assert table_overflow <= 0  # the table of cases fits the page's column

    shot = tmp_path / "shot.png"
    chromium_screenshot(command, page_path, shot)
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one
    width, height, bpp, rows = _pixels(shot.read_bytes())
    assert (width, height) == (1280, 2000)
    colours = {row[i : i + 3] for row in rows[::7] for i in range(0, len(row), bpp * 5)}
    assert len(colours) > 20  # text, fills and lines, not one colour
    # the criteria chart is painted: its dark "met" fill is on screen where the chart is
    top, _, chart_height = boxes["chart-criteria"]
    met = bytes.fromhex("1d4e74")
    painted = [
        row
        for row in rows[top : top + chart_height]
        if met in {row[i : i + 3] for i in range(0, len(row), bpp)}
    ]
    assert len(painted) > 50
