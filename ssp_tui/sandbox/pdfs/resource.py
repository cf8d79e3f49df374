"""Risk-management and agent resources: a title page with the summary, then one body section per topic.

The database gives each resource a title, summary, category, topics and a page count (2 to 4). Page 1 carries
the title, summary and contents; the topics are spread evenly over the remaining pages, and a page with no
topic left gets one of the standard closing sections. The body wording is the sandbox's own, chosen per topic
by a stable hash so the same resource always reads the same.
"""

from __future__ import annotations

import zlib

from ssp_tui.sandbox.pdfs.base import MUTED, BuiltPdf, DocumentInfo, Layout
from ssp_tui.sandbox.pdfs.facts import ResourceFacts, long_date

PUBLISHERS = {"risk": "ProAssurance Risk Management", "agent": "ProAssurance Agent Services"}
CATEGORY_NAMES = {
    "sample_forms": "Sample forms",
    "guidelines": "Guidelines",
    "surveys": "Self-assessment surveys",
    "toolkits": "Toolkits",
    "other": "Other resources",
    "newsletter": "Newsletter",
    "marketing": "Marketing materials",
    "new_business_applications": "New business applications",
    "renewal_applications": "Renewal applications",
    "underwriting_manuals": "Underwriting manuals",
    "agent_of_record": "Agent of record guidelines",
    "bulletins": "Bulletins",
}

RISK_OPENINGS = (
    "Closed-claim reviews return to {topic} again and again: the care was often sound, but the record and "
    "the process around it could not show it. This section sets out what a defensible practice looks like.",
    "{Topic} is where small gaps in office systems turn into allegations. The practices below are drawn from "
    "the company's claims experience and from accreditation standards.",
    "Patients, surveyors and plaintiff's counsel all look at {topic} the same way: is there a consistent "
    "process, and does the record prove it was followed?",
)
AGENT_OPENINGS = (
    "{Topic}: what agents placing medical professional liability need to know this season, in brief.",
    "This section covers {topic}, with the points underwriting most often asks agents to clarify.",
    "{Topic} changes how submissions are reviewed; the notes below summarise what to send and when.",
)
RISK_PRACTICES = (
    "Assign one person to own the process, with a named backup.",
    "Write the steps down and review them once a year with the whole team.",
    "Document the discussion with the patient in their own words where possible.",
    "Track every open item to closure, and audit a sample each quarter.",
    "Escalate exceptions to the physician the same day, and record the escalation.",
    "Call the Risk Management department before a situation becomes a claim.",
)
AGENT_PRACTICES = (
    "Submit complete applications: missing loss runs are the most common cause of delay.",
    "Confirm retroactive dates before quoting, to avoid a gap in claims-made coverage.",
    "Note any tail or nose coverage the applicant needs on the submission.",
    "Use the current edition of each form; older editions are returned.",
    "Send renewal applications sixty days before expiration.",
    "Ask Underwriting about credits for seminars and risk-management activity.",
)
CLOSING_SECTIONS = (
    (
        "Putting it into practice",
        "Choose one change from this resource and introduce it over the next month. Measure it with a "
        "short audit before and after, share the result with the team, and keep the audit with your "
        "risk-management records.",
    ),
    (
        "Where to learn more",
        "The Risk Management department answers questions by phone and email, and the seminar catalog in the "
        "portal offers courses on the topics covered here, many with CME credit and a premium credit.",
    ),
)


def _spread(topics: tuple[str, ...], pages: int) -> list[list[str]]:
    """``topics`` over ``pages`` pages, in order, the counts differing by at most one."""
    base, extra = divmod(len(topics), pages)
    chunks, start = [], 0
    for index in range(pages):
        size = base + (1 if index < extra else 0)
        chunks.append(list(topics[start : start + size]))
        start += size
    return chunks


def _mid_sentence(phrase: str) -> str:
    """ "Ongoing evaluation" -> "ongoing evaluation", but "Q&A session" and "HIPAA rules" stay as they are."""
    return phrase[0].lower() + phrase[1:] if phrase[1:2].islower() else phrase


def _topic_section(layout: Layout, facts: ResourceFacts, topic: str, share: int) -> None:
    """A topic's heading and body; ``share`` topics share the page, so each gets less room when crowded."""
    pick = zlib.crc32(f"{facts.title}\x00{topic}".encode())
    openings, practices = (
        (AGENT_OPENINGS, AGENT_PRACTICES) if facts.audience == "agent" else (RISK_OPENINGS, RISK_PRACTICES)
    )
    layout.heading(topic)
    layout.paragraph(openings[pick % len(openings)].format(topic=_mid_sentence(topic), Topic=topic))
    if share <= 2:
        layout.paragraph(
            f"{facts.summary} In this part of \u201c{facts.title}\u201d the emphasis is on "
            f"{_mid_sentence(topic)}: who is responsible, what is recorded, and how the practice checks "
            "that it happened."
        )
    count = 5 if share == 1 else 3
    layout.bullets([practices[(pick + step) % len(practices)] for step in range(count)])


def build_resource(facts: ResourceFacts) -> BuiltPdf:
    if facts.pages < 2:
        raise ValueError(f"resource {facts.title!r} needs at least 2 pages, got {facts.pages}")
    publisher = PUBLISHERS.get(facts.audience, PUBLISHERS["risk"])
    category = CATEGORY_NAMES.get(facts.category, facts.category.replace("_", " ").capitalize())
    layout = Layout(
        DocumentInfo(
            title=facts.title,
            issuer=publisher,
            subject=facts.summary,
            reference=f"{category} \u00b7 Published {long_date(facts.published_on)}",
            keywords=(category.lower(), facts.audience, *facts.topics),
        )
    )
    layout.title(facts.title, size=20)
    layout.paragraph(
        f"{category} \u00b7 {publisher} \u00b7 {long_date(facts.published_on)}", color=MUTED, after=12
    )
    layout.heading("Summary")
    layout.paragraph(facts.summary, size=11, leading=15)
    if facts.topics:
        layout.heading("In this resource")
        layout.bullets(list(facts.topics))
    layout.heading("How to use it")
    layout.paragraph(
        "Read it with the people who carry out the work, not only with the physicians. Each section ends "
        "with practical steps; the last page says where to get help."
        if facts.audience != "agent"
        else "Keep it with your underwriting references; each section ends with the steps underwriting asks "
        "for."
    )
    layout.paragraph(
        "This material is for information and risk-management education. It is not legal advice "
        "and does not change the terms of any policy.",
        color=MUTED,
        size=8.5,
    )
    closings = iter(CLOSING_SECTIONS * facts.pages)
    for chunk in _spread(facts.topics, facts.pages - 1):
        layout.new_page()
        if not chunk:
            heading, text = next(closings)
            layout.heading(heading)
            layout.paragraph(text)
        for topic in chunk:
            _topic_section(layout, facts, topic, len(chunk))
    return layout.render(expected_pages=facts.pages)
