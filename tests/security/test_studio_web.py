"""Attacks on the studio web app over real HTTP (uvicorn on 127.0.0.1): rebinding, CSRF, framing, bad bodies.

Each test is an attack a web page (or a hostile client) can make; each must leave the story as it was.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import httpx
import pytest

from punchup.studio import Studio
from punchup.studio.web import create_app
from tests.studio_web.conftest import LOGLINE, live_server, new_story, page_client

STATIC = Path(__file__).resolve().parents[2] / "src/punchup/studio/web/static"
TEMPLATES = STATIC.parent / "templates"


def port_of(client: httpx.Client) -> int:
    return client.base_url.port  # type: ignore[return-value]


# -- 1. DNS rebinding: the attacker's name for 127.0.0.1 -----------------------------------------------
def test_a_rebinding_host_cannot_read_the_stories(client, studio: Studio):
    new_story(client, title="Unreleased Heist")
    port = port_of(client)
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1.evil.example:{port}", f"127.0.0.1:{port + 1}", ""):
        answer = client.get("/", headers={"Host": host})
        assert answer.status_code == 403, host
        assert "Unreleased Heist" not in answer.text and "refused" in answer.text
    assert client.get("/static/style.css", headers={"Host": f"evil.example:{port}"}).status_code == 403


def test_a_rebinding_page_cannot_overwrite_a_node(client, studio: Studio):
    story_id = new_story(client)
    port = port_of(client)
    forged = client.post(f"/stories/{story_id}/nodes/logline/edit", data={"text": "overwritten"},
                         headers={"Host": f"evil.example:{port}", "Origin": f"http://evil.example:{port}"})
    assert forged.status_code == 403
    assert studio.text("logline", story_id) == LOGLINE


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost", "LOCALHOST"])
def test_the_loopback_names_of_the_bound_port_are_served(client, name):
    host = f"{name}:{port_of(client)}"
    assert client.get("/", headers={"Host": host}).status_code == 200
    posted = client.post("/stories", data={"logline": LOGLINE, "pack": "fiction"}, follow_redirects=False,
                         headers={"Host": host, "Origin": f"http://{host}"})
    assert posted.status_code == 303


def test_an_explicit_host_is_accepted_besides_loopback():
    from punchup.studio.web.security import Policy

    policy = Policy.for_host("studio.lan", token="t" * 24)
    assert policy.host_problem("studio.lan:8765", 8765) is None
    assert policy.host_problem("evil.example:8765", 8765) is not None
    assert Policy.for_host("::1").host_problem("[::1]:8765", 8765) is None
    with pytest.raises(ValueError):
        Policy.for_host("192.168.1.5")  # beyond loopback only with a token


# -- 2. clickjacking and sniffing: every answer says no --------------------------------------------------
def test_every_answer_forbids_framing_and_sniffing(client):
    story_id = new_story(client)
    answers = [client.get("/"), client.get(f"/stories/{story_id}"), client.get("/static/htmx.min.js"),
               client.get("/stories/999"), client.post("/stories", data={"pack": "nope"}),
               client.get("/", headers={"Host": "evil.example"})]
    for answer in answers:
        assert answer.headers["x-frame-options"] == "DENY", answer.url
        policy = answer.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
        assert answer.headers["x-content-type-options"] == "nosniff"


# -- 3. CSRF: POSTs only from this origin, only as forms ------------------------------------------------
@pytest.mark.parametrize("headers", [
    {"Origin": ""},  # no Origin, no Sec-Fetch-Site: a non-browser or a stripped request
    {"Origin": "", "Sec-Fetch-Site": "cross-site"},
    {"Origin": "", "Sec-Fetch-Site": "same-site"},
    {"Origin": "null"},  # sandboxed iframes and file:// pages
    {"Origin": "https://evil.example"},
    {"Sec-Fetch-Site": "cross-site"},  # a matching Origin does not excuse a cross-site fetch
], ids=["no-origin", "cross-site", "same-site", "null-origin", "evil-origin", "fetch-site-cross"])
def test_cross_site_posts_are_refused(client, studio: Studio, headers):
    story_id = new_story(client)
    sent = {k: v for k, v in headers.items() if v}
    request = client.build_request("POST", f"/stories/{story_id}/nodes/logline/edit", data={"text": "pwned"}, headers=sent)
    if headers.get("Origin") == "":
        del request.headers["Origin"]
    answer = client.send(request)
    assert answer.status_code == 403, answer.text
    assert studio.text("logline", story_id) == LOGLINE


def test_a_same_origin_fetch_without_origin_is_accepted(client, studio: Studio):
    story_id = new_story(client)
    request = client.build_request("POST", f"/stories/{story_id}/nodes/logline/edit", data={"text": "mine"},
                                   headers={"Sec-Fetch-Site": "same-origin"})
    del request.headers["Origin"]
    assert client.send(request).status_code == 200 and studio.text("logline", story_id) == "mine"


@pytest.mark.parametrize("content_type", ["text/plain", "multipart/form-data; boundary=x", "application/json", ""])
def test_only_form_bodies_are_parsed(client, studio: Studio, content_type):
    story_id = new_story(client)
    request = client.build_request("POST", f"/stories/{story_id}/nodes/logline/edit", content=b"text=pwned",
                                   headers={"Content-Type": content_type})
    if not content_type:
        del request.headers["Content-Type"]
    answer = client.send(request)
    assert answer.status_code == 415 and studio.text("logline", story_id) == LOGLINE


def test_beyond_loopback_every_request_needs_the_launch_token(studio: Studio):
    token = "s3cret-launch-token-0123456789"
    with live_server(create_app(studio, host="0.0.0.0", token=token)) as base, page_client(base) as http:
        assert http.get("/").status_code == 403
        assert http.get("/?token=wrong").status_code == 403
        assert http.get("/", headers={"Host": "evil.example:1"}).status_code == 403  # rebinding: no cookie there
        first = http.get(f"/?token={token}")
        assert first.status_code == 200
        cookie = first.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        assert http.get("/").status_code == 200  # the cookie now carries it
        posted = http.post("/stories", data={"logline": LOGLINE, "pack": "fiction"}, follow_redirects=False)
        assert posted.status_code == 303
    with live_server(create_app(studio, host="0.0.0.0", token=token)) as base, page_client(base) as http:
        assert http.post("/stories", data={"logline": "x", "pack": "fiction"}).status_code == 403


def test_the_cli_prints_a_token_address_beyond_loopback(monkeypatch, tmp_path, capsys):
    import uvicorn

    from punchup.cli.main import main

    served = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: served.update(app=app, **kwargs))
    main(["studio", "--host", "0.0.0.0", "--port", "8999", "--store", str(tmp_path / "s.db"), "--model", "fake/w"])
    printed = capsys.readouterr().out
    token = re.search(r"\?token=([\w-]{20,})", printed).group(1)  # type: ignore[union-attr]
    with live_server(served["app"]) as base, page_client(base) as http:
        assert http.get("/").status_code == 403 and http.get(f"/?token={token}").status_code == 200


# -- 4. errors are text, validation errors are the app's page ------------------------------------------
def test_validation_errors_are_the_apps_page_and_do_not_echo_input(client):
    payload = "<img src=x onerror=alert(1)>"
    answer = client.get(f"/stories/{payload}")
    assert answer.status_code == 400 and 'class="error"' in answer.text
    assert payload not in answer.text and "story_id" in answer.text and "{" not in answer.text
    htmx = client.get(f"/stories/{payload}/workspace", headers={"HX-Request": "true"})
    assert htmx.status_code == 400 and htmx.headers["content-type"].startswith("text/plain")
    assert len(htmx.text.strip().splitlines()) == 1 and payload not in htmx.text


def test_htmx_requests_get_errors_as_one_plain_line(client):
    story_id = new_story(client)
    payload = "<img src=x onerror=alert(1)>"
    answer = client.post(f"/stories/{story_id}/write", data={"label": payload, "text": "x"}, headers={"HX-Request": "true"})
    assert answer.status_code == 400 and answer.headers["content-type"].startswith("text/plain")
    assert len(answer.text.strip().splitlines()) == 1 and "unknown node" in answer.text


def test_the_vendored_htmx_is_the_published_one_with_its_licence():
    vendored = (STATIC / "htmx.min.js").read_bytes()
    record = (STATIC / "VENDORED.md").read_text()
    assert hashlib.sha256(vendored).hexdigest() in record and "htmx.org@2.0.11" in record
    assert b'version:"2.0.11"' in vendored
    assert "Zero-Clause BSD" in (STATIC / "htmx.LICENSE.txt").read_text()
    assert not (STATIC / "mini-htmx.js").exists()


def test_no_page_code_writes_markup_and_templates_fit_the_csp():
    glue = (STATIC / "studio.js").read_text()
    code = "\n".join(line for line in glue.splitlines() if not line.strip().startswith("//"))
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in code, sink
    for template in TEMPLATES.glob("*.html"):
        html = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), template.name  # inline scripts break the CSP
        assert not re.search(r"\son[a-z]+=", html) and " style=" not in html, template.name
    config = (TEMPLATES / "base.html").read_text()
    for setting in ('"allowEval": false', '"allowScriptTags": false', '"selfRequestsOnly": true', '"historyCacheSize": 0'):
        assert setting in config


# -- 5. bodies and labels that used to crash the server -------------------------------------------------
@pytest.mark.parametrize("body", [b"text=caf\xe9", b"text=%ff%fe", b"label=\xc3&text=x"], ids=["raw-latin1", "escaped", "cut"])
def test_invalid_utf8_in_a_form_is_a_400_with_one_line(client, studio: Studio, body):
    story_id = new_story(client)
    answer = client.post(f"/stories/{story_id}/nodes/logline/edit", content=body, headers={"HX-Request": "true"})
    assert answer.status_code == 400 and "UTF-8" in answer.text and len(answer.text.strip().splitlines()) == 1
    assert studio.text("logline", story_id) == LOGLINE


@pytest.mark.parametrize("label", ["scene-99999999999999999999999", "script-" + "9" * 5000, "scene-10000"])
def test_huge_node_numbers_are_a_400_with_one_line(client, label):
    story_id = new_story(client)
    for answer in (client.post(f"/stories/{story_id}/nodes/{label}/edit", data={"text": "x"}, headers={"HX-Request": "true"}),
                   client.post(f"/stories/{story_id}/nodes/{label}/expand", data={"n": "1"}, headers={"HX-Request": "true"}),
                   client.post(f"/stories/{story_id}/write", data={"label": label, "text": "x"}, headers={"HX-Request": "true"})):
        assert answer.status_code == 400, answer.text
        assert "scene numbers go up to 9999" in answer.text and len(answer.text.strip().splitlines()) == 1


def test_a_huge_story_id_is_a_400(client):
    for url in ("/stories/99999999999999999999999", "/stories/99999999999999999999999/workspace"):
        answer = client.get(url, headers={"HX-Request": "true"})
        assert answer.status_code == 400 and len(answer.text.strip().splitlines()) == 1, answer.text
