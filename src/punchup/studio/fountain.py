"""A story tree as a Fountain screenplay (or a Markdown short story), and Fountain read back with screenplain.

Layout of the Fountain export: a title page (title, the writer's credit and
name from the story's settings, draft date), then for each scripted scene a section
(`# Beat N: ...`) with the scene's purpose as a synopsis (`= ...`), then the
scene's script. A script whose first line is not a scene heading gets the one
from its scene card (or a forced heading `.SCENE N`), so every scene parses
as a scene in screenwriting software.
"""

from __future__ import annotations

import io

from typing import TYPE_CHECKING

from punchup.studio.outline import SLUG, beat_entries, parse_scene_card
from punchup.studio.records import Node, Story

if TYPE_CHECKING:
    from screenplain.types import Screenplay


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _numbered(nodes: dict[str, Node], kind: str) -> dict[int, Node]:
    return {n.ordinal: n for n in nodes.values() if n.kind == kind and n.text}


def script_body(script: str, heading: str | None, number: int) -> str:
    """The scene's Fountain, guaranteed to open on a scene heading."""
    lines = script.strip().splitlines()
    first = next((line for line in lines if line.strip()), "")
    if SLUG.match(first):
        return "\n".join(lines)
    forced = heading or f".SCENE {number}"
    return f"{forced}\n\n" + "\n".join(lines) if lines else forced


def title_page(story: Story) -> list[str]:
    """Title, credit, the writer's name and the draft date: what a reader expects, nothing about tools."""
    lines = [f"Title: {_one_line(story.title)}"]
    if story.settings.author.strip():
        lines += ["Credit: Written by", f"Author: {_one_line(story.settings.author)}"]
    lines.append(f"Draft date: {story.updated_at[:10]}")
    return lines


def fdx_with_title_page(xml: str, page: dict[str, list[str]]) -> str:
    """screenplain's FDX has no title page: add Final Draft's <TitlePage> (title, credit, author, date)."""
    from xml.sax.saxutils import escape

    rows = [*page.get("Title", []), *page.get("Credit", []), *page.get("Author", []), *page.get("Draft date", [])]
    if not rows or "</FinalDraft>" not in xml:
        return xml
    paragraphs = "".join(
        f'      <Paragraph Alignment="Center" Type="General">\n        <Text>{escape(" ".join(str(r).split()))}</Text>\n'
        "      </Paragraph>\n" for r in rows)
    block = f"  <TitlePage>\n    <Content>\n{paragraphs}    </Content>\n  </TitlePage>\n"
    head, tail = xml.rsplit("</FinalDraft>", 1)
    return f"{head}{block}</FinalDraft>{tail}"


def build_fountain(story: Story, nodes: dict[str, Node]) -> str:
    """The screenplay: only scenes that have a script (a missing one is left out, never faked)."""
    entries = beat_entries(nodes["beats"].text or "") if "beats" in nodes and nodes["beats"].text else []
    scenes = _numbered(nodes, "scene")
    scripts = _numbered(nodes, "script")
    blocks = ["\n".join(title_page(story))]
    for number in sorted(scripts):
        card = parse_scene_card(scenes[number].text or "") if number in scenes else None
        beat = entries[number - 1] if number <= len(entries) else (card.purpose if card else "")
        section = f"# Beat {number}: {_one_line(beat)}" if beat else f"# Scene {number}"
        if card and card.purpose:
            section += f"\n= {_one_line(card.purpose)}"
        blocks.append(section)
        blocks.append(script_body(scripts[number].text or "", card.heading if card else None, number))
    return "\n\n".join(blocks).rstrip() + "\n"


def build_markdown(story: Story, nodes: dict[str, Node]) -> str:
    parts = [f"# {_one_line(story.title)}"]
    if story.settings.author.strip():
        parts.append(f"by {_one_line(story.settings.author)}")
    if "logline" in nodes and nodes["logline"].text:
        parts.append(f"*{_one_line(nodes['logline'].text)}*")
    prose = _numbered(nodes, "prose")
    parts.append("\n\n* * *\n\n".join(prose[number].text.strip() for number in sorted(prose) if prose[number].text))
    return "\n\n".join(p for p in parts if p).rstrip() + "\n"


def parse_fountain(text: str) -> "Screenplay":
    from screenplain.parsers import fountain as screenplain_fountain  # only exports need it

    return screenplain_fountain.parse(io.StringIO(text))


def scene_headings(screenplay: "Screenplay") -> list[str]:
    from screenplain.types import Slug

    return [str(p.line) for p in screenplay.paragraphs if isinstance(p, Slug)]


def character_cues(screenplay: "Screenplay") -> list[str]:
    from screenplain.types import Dialog, DualDialog

    cues: list[str] = []
    for paragraph in screenplay.paragraphs:
        dialogs = [paragraph.left, paragraph.right] if isinstance(paragraph, DualDialog) else [paragraph]
        cues.extend(str(d.character) for d in dialogs if isinstance(d, Dialog))
    return cues


def sections(screenplay: "Screenplay") -> list[str]:
    from screenplain.types import Section

    return [str(p.text) for p in screenplay.paragraphs if isinstance(p, Section)]
