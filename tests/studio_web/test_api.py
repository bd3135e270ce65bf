"""The studio web app over the engine on scripted fake models: every verb through HTTP, rendered as HTML."""

from __future__ import annotations

import re

from punchup.studio import Studio
from tests.studio_web.conftest import choose, expand, new_story, statuses, wait_for_task


def build_to_characters(client, story_id: int) -> None:
    expand(client, story_id, "logline")
    choose(client, story_id, "premise", 1)
    expand(client, story_id, "premise")
    choose(client, story_id, "characters", 1)


def test_create_story_shows_it_in_the_tree_and_the_index(client, studio: Studio):
    story_id = new_story(client)
    page = client.get(f"/stories/{story_id}")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert statuses(page.text) == {"logline": "fresh"}
    assert "lighthouse keeper owes her life" in page.text
    assert studio.story(story_id).title == "The Light"  # the same store the CLI reads
    assert "The Light" in client.get("/").text


def test_an_empty_logline_and_an_unknown_pack_are_refused_with_a_message(client):
    assert "logline is empty" in client.post("/stories", data={"logline": " ", "pack": "screenplay"}).text
    response = client.post("/stories", data={"logline": "x", "pack": "../evil"})
    assert response.status_code == 400 and "pack must be one of" in response.text


def test_expand_returns_ranked_alternatives_best_first_with_scores_and_rationales(client):
    story_id = new_story(client)
    html = expand(client, story_id, "logline", n=3)
    assert 'id="panel" data-label="premise"' in html
    numbers = re.findall(r'class="alt[^"]*" data-number="(\d+)"', html)
    scores = [float(s) for s in re.findall(r'class="score">([\d.]+)/10', html)]
    assert len(numbers) == 3 and len(scores) == 3
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1]  # the judge scores later takes higher
    assert "take scored" in html  # the judge's rationale is shown


def test_choose_makes_the_alternative_the_nodes_text(client, studio: Studio):
    story_id = new_story(client)
    expand(client, story_id, "logline", n=2)
    html = choose(client, story_id, "premise", 2)
    assert statuses(html) == {"logline": "fresh", "premise": "fresh"}
    assert studio.node("premise", story_id).node.chosen_alt == 2
    assert re.search(r'class="alt chosen" data-number="2"', html)


def test_edit_marks_descendants_stale_and_cascade_regenerates_them(client, studio: Studio):
    story_id = new_story(client)
    build_to_characters(client, story_id)
    old_characters = studio.text("characters", story_id)
    html = client.post(f"/stories/{story_id}/nodes/premise/edit", data={"text": "Nell keeps a light\r\non a sinking rock."}).text
    assert statuses(html) == {"logline": "fresh", "premise": "fresh", "characters": "stale"}
    assert "premise changed" in html and "1 stale" in html
    assert studio.text("premise", story_id) == "Nell keeps a light\non a sinking rock."  # CRLF from the browser -> LF
    started = client.post(f"/stories/{story_id}/nodes/premise/cascade", data={})
    assert started.status_code == 200 and 'hx-trigger="every 500ms"' in started.text  # polls, however quick the fakes are
    done = wait_for_task(client, started.text)
    assert statuses(done) == {"logline": "fresh", "premise": "fresh", "characters": "fresh"}
    assert 'id="cascade-report"' in done and "1 regenerated (characters)" in done
    assert studio.text("characters", story_id) != old_characters


def test_lock_keeps_a_node_out_of_the_cascade_and_refuses_edits(client, studio: Studio):
    story_id = new_story(client)
    build_to_characters(client, story_id)
    html = client.post(f"/stories/{story_id}/nodes/characters/lock").text
    assert "locked" in html and 'id="unlock"' in html and studio.node("characters", story_id).node.locked
    client.post(f"/stories/{story_id}/nodes/premise/edit", data={"text": "A different premise."})
    kept = studio.text("characters", story_id)
    done = wait_for_task(client, client.post(f"/stories/{story_id}/nodes/premise/cascade", data={}).text)
    assert studio.text("characters", story_id) == kept and "0 regenerated" in done
    refused = client.post(f"/stories/{story_id}/nodes/characters/edit", data={"text": "mine"})
    assert refused.status_code == 400 and "is locked" in refused.text
    assert "id=\"lock\"" in client.post(f"/stories/{story_id}/nodes/characters/unlock").text


def test_write_a_node_yourself(client, studio: Studio):
    story_id = new_story(client)
    html = client.post(f"/stories/{story_id}/write", data={"label": "Premise", "text": "My own premise."}).text
    assert 'data-label="premise" data-status="fresh"' in html and "100% human" in html
    assert studio.text("premise", story_id) == "My own premise."


def test_span_rewrite_shows_the_diff_then_accept_keeps_it_and_reject_undoes_it(client, studio: Studio, fakes):
    story_id = new_story(client)
    client.post(f"/stories/{story_id}/write", data={"label": "premise", "text": "Nell keeps the light. Cal rows away."})
    fakes.writer.replies.extend(["Nell guards the lamp.", "Nell sleeps."])
    preview = client.post(f"/stories/{story_id}/nodes/premise/rewrite",
                          data={"start": "0", "end": "21", "instruction": "stronger verb"})
    assert preview.status_code == 200, preview.text
    assert "<del>Nell keeps the light.</del><ins>Nell guards the lamp.</ins> Cal rows away." in preview.text
    new_hash = re.search(r'name="hash" value="(\w+)"', preview.text).group(1)
    client.post(f"/stories/{story_id}/nodes/premise/rewrite/accept", data={"hash": new_hash})
    assert studio.text("premise", story_id) == "Nell guards the lamp. Cal rows away."
    second = client.post(f"/stories/{story_id}/nodes/premise/rewrite", data={"start": "0", "end": "21", "instruction": "calmer"})
    second_hash = re.search(r'name="hash" value="(\w+)"', second.text).group(1)
    assert studio.text("premise", story_id) == "Nell sleeps. Cal rows away."
    client.post(f"/stories/{story_id}/nodes/premise/rewrite/reject", data={"hash": second_hash})
    assert studio.text("premise", story_id) == "Nell guards the lamp. Cal rows away."
    stale = client.post(f"/stories/{story_id}/nodes/premise/rewrite/reject", data={"hash": second_hash})
    assert stale.status_code == 400 and "changed after the rewrite" in stale.text  # never undoes the wrong change


def test_the_selected_text_decides_the_span_and_a_stale_selection_is_refused(client, studio: Studio, fakes):
    story_id = new_story(client)
    client.post(f"/stories/{story_id}/write", data={"label": "premise", "text": "🔦🔦 Nell keeps the light. Cal rows away."})
    fakes.writer.replies.append("Cal swims.")
    # Offsets counted in UTF-16 units (each emoji is 2), as a browser reports them: the selected text corrects them.
    preview = client.post(f"/stories/{story_id}/nodes/premise/rewrite",
                          data={"start": "27", "end": "41", "selected": "Cal rows away.", "instruction": "wetter"})
    assert preview.status_code == 200, preview.text
    assert "<del>Cal rows away.</del><ins>Cal swims.</ins>" in preview.text
    assert studio.text("premise", story_id) == "🔦🔦 Nell keeps the light. Cal swims."
    stale = client.post(f"/stories/{story_id}/nodes/premise/rewrite",
                        data={"start": "3", "end": "8", "selected": "Nora", "instruction": "x"})
    assert stale.status_code == 400 and "select it again" in stale.text
    assert studio.text("premise", story_id) == "🔦🔦 Nell keeps the light. Cal swims."


def test_a_rewrite_without_a_selection_is_refused(client):
    story_id = new_story(client)
    response = client.post(f"/stories/{story_id}/nodes/logline/rewrite", data={"start": "5", "end": "5", "instruction": "x"})
    assert response.status_code == 400 and "select the passage" in response.text


def test_authorship_panel_shows_human_and_model_shares(client):
    story_id = new_story(client)
    build_to_characters(client, story_id)
    html = client.get(f"/stories/{story_id}/workspace").text
    panel = html.split('id="authorship"')[1].split('id="export"')[0]
    authors = dict(re.findall(r"<tr><td>([^<]+)</td><td>([\d.]+)%</td></tr>", panel))
    assert set(authors) == {"human", "fake/studio-writer"}
    assert abs(sum(float(v) for v in authors.values()) - 100.0) < 0.2


def test_exports_download_with_type_and_a_sanitised_name(client, studio: Studio):
    story_id = new_story(client, title="../../etc/passwd<script>")
    build_to_characters(client, story_id)
    expected = {"fountain": "text/plain", "pdf": "application/pdf", "fdx": "application/xml"}
    not_ready = client.get(f"/stories/{story_id}/export/fountain")  # no script yet: refused unless asked anyway
    assert not_ready.status_code == 400 and "no script is written yet" in not_ready.text
    assert "Not ready: no script is written yet" in client.get(f"/stories/{story_id}/workspace").text
    for fmt, content_type in expected.items():
        response = client.get(f"/stories/{story_id}/export/{fmt}?allow_stale=1")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith(content_type)
        assert response.headers["content-disposition"] == f'attachment; filename="etc-passwd-script.{fmt}"'
    assert client.get(f"/stories/{story_id}/export/pdf?allow_stale=1").content[:4] == b"%PDF"
    assert client.get(f"/stories/{story_id}/export/fountain?allow_stale=1").text.startswith("Title: ../../etc/passwd<script>")
    refused = client.get(f"/stories/{story_id}/export/md")  # a screenplay is not Markdown
    assert refused.status_code == 400
    fiction = new_story(client, title="Quiet", pack="fiction")
    md = client.get(f"/stories/{fiction}/export/md?allow_stale=1")
    assert md.headers["content-type"].startswith("text/markdown") and 'filename="quiet.md"' in md.headers["content-disposition"]


def test_model_output_is_escaped_in_every_view(client, fakes):
    payload = "<script>window.__xss=1</script>"
    fakes.writer.responder = lambda messages, config: f"{payload} take {config.seed}"
    story_id = new_story(client, title=payload)
    html = expand(client, story_id, "logline", n=2)
    assert payload not in html and "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html
    choose(client, story_id, "premise", 1)
    for url in ("/", f"/stories/{story_id}", f"/stories/{story_id}/workspace?node=premise"):
        page = client.get(url).text
        assert payload not in page and "&lt;script&gt;" in page


def test_a_bad_label_is_a_clear_400(client):
    story_id = new_story(client)
    response = client.post(f"/stories/{story_id}/nodes/banana/expand", data={"n": "2"})
    assert response.status_code == 400 and 'class="error"' in response.text


def test_a_story_started_in_the_cli_opens_in_the_browser_and_back(client, studio: Studio):
    from click.testing import CliRunner

    from punchup.cli.main import cli

    path = studio.store.location  # the very file the app serves from
    made = CliRunner().invoke(cli, ["write", "new", "A ferryman smuggles letters.", "--title", "Ferry", "--store", path])
    assert made.exit_code == 0, made.output
    story_id = studio.stories()[0].id
    assert "Ferry" in client.get("/").text and "ferryman smuggles letters" in client.get(f"/stories/{story_id}").text
    client.post(f"/stories/{story_id}/write", data={"label": "premise", "text": "Written in the browser."})
    shown = CliRunner().invoke(cli, ["write", "show", "premise", "--store", path, "--story", str(story_id)])
    assert shown.exit_code == 0 and "Written in the browser." in shown.output


def test_posts_from_another_site_are_refused(client, studio: Studio):
    story_id = new_story(client)
    forged = client.post(f"/stories/{story_id}/write", data={"label": "premise", "text": "pwned"},
                         headers={"Origin": "https://evil.example"})
    assert forged.status_code == 403 and studio.text("premise", story_id) is None
    same = client.post(f"/stories/{story_id}/write", data={"label": "premise", "text": "mine"},
                       headers={"Origin": str(client.base_url).rstrip("/")})
    assert same.status_code == 200 and studio.text("premise", story_id) == "mine"
