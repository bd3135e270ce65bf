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
    assert "Notes" not in screenplay.title_page and "punchup" not in text  # no tool credit, no AI statistics
    assert "= the turn of beat 1" in text  # the scene's purpose as a synopsis


async def test_a_script_without_a_heading_gets_its_scene_cards(studio):
    await write_story(studio, scenes=2)
    studio.edit("script-1", "Nell trims the wick.\n\nNELL\nGo.")
    studio.edit("script-2", "Cal rows.\n\nCAL\nNot a word.")
    studio.edit("scene-2", "Purpose: Cal leaves\nCharacters: CAL")  # a card without a heading
    screenplay = parse_fountain(studio.export_text("fountain", allow_stale=True))  # script-2 is stale now
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
    result = studio.export("fountain", tmp_path, allow_stale=True)  # no script yet: a title page only
    assert result.warnings == ["no script is written yet"]
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


async def test_the_title_page_credits_the_writer_and_fdx_has_one(studio, tmp_path):
    await write_story(studio, scenes=1)
    studio.update_story(author="Ada Writer")
    screenplay = parse_fountain(studio.export_text("fountain"))
    assert screenplay.title_page["Author"] == ["Ada Writer"] and screenplay.title_page["Credit"] == ["Written by"]
    xml = Path(studio.export("fdx", tmp_path / "light.fdx").path).read_text(encoding="utf-8")
    page = xml[xml.index("<TitlePage>"):xml.index("</TitlePage>")]
    assert "<Text>The Light</Text>" in page and "<Text>Ada Writer</Text>" in page and "<Text>Written by</Text>" in page


async def test_missing_or_stale_scenes_refuse_the_export_unless_allowed(studio, tmp_path):
    await write_story(studio, scenes=2)
    studio.undo("script-2")  # scene 2 has a card but no script any more
    studio.edit("scene-1", "INT. BOATHOUSE - NIGHT\nPurpose: Nell hides Cal\nCharacters: NELL, CAL")
    with pytest.raises(StudioError, match="not ready to export: script-1 is stale .*scene 2 has no script yet"):
        studio.export("fountain", tmp_path / "x.fountain")
    assert not (tmp_path / "x.fountain").exists()
    result = studio.export("fountain", tmp_path / "x.fountain", allow_stale=True, disclosure=True)
    assert any("scene 2 has no script" in w for w in result.warnings)
    text = Path(result.path).read_text(encoding="utf-8")
    assert "SCENE 2" not in text and "Beat 2" not in text  # never a fake slugline for a missing script
    disclosure = Path(result.disclosure).read_text(encoding="utf-8")
    assert disclosure.startswith("# Authorship disclosure: The Light") and "| script-1 |" in disclosure
