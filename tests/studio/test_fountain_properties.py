"""Fountain export then parse round-trips: headings and character cues survive any scene (hypothesis)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from punchup.studio.fountain import character_cues, parse_fountain, scene_headings, script_body

WORD = st.text(alphabet="ABCDEFGHIJKLMNOPRSTUVWY", min_size=2, max_size=9)
LINE = st.text(alphabet="abcdefghijklmnoprstuvwy ,.'?!", min_size=1, max_size=60).map(str.strip).filter(
    lambda s: s and s[0].isalpha())


@st.composite
def scenes(draw):
    place = " ".join(draw(st.lists(WORD, min_size=1, max_size=3)))
    heading = f"{draw(st.sampled_from(['INT.', 'EXT.']))} {place} - {draw(st.sampled_from(['DAY', 'NIGHT', 'DAWN']))}"
    speeches = draw(st.lists(st.tuples(WORD, LINE), min_size=1, max_size=6))
    action = draw(LINE).capitalize() + "."
    body = "\n\n".join([action] + [f"{name}\n{line}" for name, line in speeches])
    return heading, [name for name, _ in speeches], body


@settings(max_examples=80, deadline=None)
@given(scenes())
def test_headings_and_cues_survive_export_and_parse(scene):
    heading, names, body = scene
    exported = script_body(body, heading, 1)
    parsed = parse_fountain(exported)
    assert scene_headings(parsed) == [heading]
    assert character_cues(parsed) == names
