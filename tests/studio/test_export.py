"""Export: Fountain that parses back (headings and cues survive), PDF and FDX through screenplain, Markdown."""

from __future__ import annotations

from pathlib import Path

import pytest

from punchup.studio import StudioError
from punchup.studio.export import output_path, safe_filename
from punchup.studio.fountain import character_cues, parse_fountain, scene_headings, script_body, sections
from tests.studio.conftest import write_story


async def test_fountain_round_trip_keeps_headings_cues_sections_and_title(studio):
    await write_story(studio, scenes=2)
    text = studio.export_text("fountain")
    screenplay = parse_fountain(text)
    assert scene_headings(screenplay) == ["INT. LIGHTHOUSE ROOM 1 - NIGHT", "INT. LIGHTHOUSE ROOM 2 - NIGHT"]
    assert character_cues(screenplay) == ["NELL", "CAL", "NELL", "CAL"]
    assert [s.split(":")[0] for s in sections(screenplay)] == ["Beat 1", "Beat 2"]
    assert screenplay.title_page["Title"] == ["The Light"]
    notes = " ".join(screenplay.title_page["Notes"])
    assert "smuggler" in notes and "human-written" in notes  # logline and authorship statement
    assert "= the turn of beat 1" in text  # the scene's purpose as a synopsis


async def test_a_script_without_a_heading_gets_its_scene_cards(studio):
    await write_story(studio, scenes=2)
    studio.edit("script-1", "Nell trims the wick.\n\nNELL\nGo.")
    studio.edit("script-2", "Cal rows.\n\nCAL\nNot a word.")
    studio.edit("scene-2", "Purpose: Cal leaves\nCharacters: CAL")  # a card without a heading
    screenplay = parse_fountain(studio.export_text("fountain"))
    assert scene_headings(screenplay) == ["INT. LIGHTHOUSE ROOM 1 - NIGHT", "SCENE 2"]
    assert character_cues(screenplay) == ["NELL", "CAL"]


def test_script_body_keeps_an_existing_heading():
    assert script_body("EXT. PIER - DAY\n\nRain.", "INT. OTHER - NIGHT", 1) == "EXT. PIER - DAY\n\nRain."
    assert script_body("Rain.", None, 4) == ".SCENE 4\n\nRain."


async def test_pdf_and_fdx_through_screenplain(studio, tmp_path):
    await write_story(studio, scenes=2)
    pdf = studio.export("pdf", tmp_path / "light.pdf")
    assert Path(pdf.path).read_bytes()[:4] == b"%PDF" and pdf.bytes > 1000
    fdx = studio.export("fdx", tmp_path / "light.fdx")
    xml = Path(fdx.path).read_text(encoding="utf-8")
    assert xml.count('<Paragraph Type="Scene Heading">') == 2 and "INT. LIGHTHOUSE ROOM 2 - NIGHT" in xml
    assert '<Paragraph Type="Character">' in xml


async def test_a_folder_gets_a_sanitised_name_from_the_title(studio, tmp_path):
    await write_story(studio, scenes=1)
    studio.new("Another story.", title="../../etc/passwd: The Return")
    await studio.expand("logline", n=1)
    result = studio.export("fountain", tmp_path)
    assert Path(result.path) == tmp_path / "etc-passwd-the-return.fountain"
    assert Path(result.path).read_text(encoding="utf-8").startswith("Title: ../../etc/passwd: The Return")


@pytest.mark.parametrize(
    "title, name",
    [("The Light", "the-light.fountain"), ("../../x", "x.fountain"), ("..", "story.fountain"),
     ("Café Noir / Part 2", "cafe-noir-part-2.fountain"), ("CON", "story-con.fountain"), ("", "story.fountain")],
)
def test_safe_filename(title, name):
    assert safe_filename(title, "fountain") == name


def test_output_path_refuses_missing_folders(tmp_path):
    with pytest.raises(StudioError, match="does not exist"):
        output_path(tmp_path / "nope" / "x.pdf", "T", "pdf")


async def test_fiction_exports_markdown_only(studio, tmp_path):
    await write_story(studio, scenes=2, pack="fiction")
    result = studio.export("md", tmp_path / "story.md")
    text = Path(result.path).read_text(encoding="utf-8")
    assert text.startswith("# The Light\n\n*A lighthouse keeper")
    assert text.count("did not look at him") == 2 and "* * *" in text
    with pytest.raises(StudioError, match="short story exports as md, not fountain"):
        studio.export("fountain", tmp_path / "x.fountain")


async def test_screenplays_do_not_export_markdown(studio, tmp_path):
    await write_story(studio, scenes=1)
    with pytest.raises(StudioError, match="screenplay exports as fountain or pdf or fdx"):
        studio.export("md", tmp_path / "x.md")
