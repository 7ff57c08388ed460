"""Annotating from the preview (issue 14): the endpoints of factcheck serve, on a copy of the example site.

Every refusal is checked to write nothing: the bytes of every file under
content/ are compared before and after.
"""

from __future__ import annotations

import difflib
import http.client
import json
import re
import shutil
from pathlib import Path

import pytest

from generator.preview.annotating import MAX_BODY_BYTES, SETTINGS_ID
from generator.preview.serve import announce
from test_serve import eventually, get, start

REPO = Path(__file__).resolve().parent.parent
ARTICLE = "taliban-deny-ties-al-qaeda"
ARTICLE_FILE = f"content/articles/{ARTICLE}.md"
PAGE = f"/articles/{ARTICLE}/"
CLAIM = "taliban-kept-ties-with-al-qaeda"
SELECTION = {"text": "he comment comes a wee", "before": "banned terrorist organization.\n\nT",
             "after": "k after the acting head"}
EXPECTED_LINES = [
    "+  - claim: taliban-kept-ties-with-al-qaeda",
    "+    stance: neutral",
    "+    quote: The comment comes a week",
    "+    note: \"Context: 'a week' # after the embassy's remark\"",
]


@pytest.fixture
def example(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    for name in ("site.yaml", "content", "seeds"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, root / name)
    return root


@pytest.fixture
def server(example):
    server = start(example, search=False)
    yield server
    server.stop()


def settings(server, path: str = PAGE) -> dict:
    status, page = get(server, path)
    assert status == 200
    found = re.search(rf'<script type="application/json" id="{SETTINGS_ID}">(.*?)</script>', page)
    return json.loads(found.group(1)) if found else {}


def post(server, path: str, payload, token: str | None = None, headers: dict | None = None,
         method: str = "POST", body: bytes | None = None):
    port = server.http.server_address[1]
    sent = {"Host": f"127.0.0.1:{port}", "Origin": f"http://127.0.0.1:{port}", "Content-Type": "application/json"}
    if token is not None:
        sent["X-Factcheck-Token"] = token
    sent.update(headers or {})
    data = body if body is not None else json.dumps(payload).encode("utf-8")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in sent.items():
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(len(data)))
        connection.endheaders()
        if len(data) <= MAX_BODY_BYTES:
            connection.send(data)
        response = connection.getresponse()
        text = response.read().decode("utf-8")
        return response.status, (json.loads(text) if response.getheader("Content-Type") == "application/json" else text)
    finally:
        connection.close()


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "content").rglob("*"))
            if p.is_file()}


def annotation(page: dict, **more) -> dict:
    return {"article": page["article"], "digest": page["digest"], "selection": SELECTION, "claim": CLAIM,
            "stance": "neutral", "note": "Context: 'a week' # after the embassy's remark", **more}


def added_lines(before: bytes, after: bytes) -> list[str]:
    diff = difflib.unified_diff(before.decode().split("\n"), after.decode().split("\n"), lineterm="", n=0)
    return [line for line in list(diff)[2:] if not line.startswith("@@")]


def test_an_annotation_adds_exactly_its_lines_and_the_rebuild_shows_it(server, example):
    page = settings(server)
    before = (example / ARTICLE_FILE).read_bytes()
    status, reply = post(server, "/_factcheck/annotate", annotation(page), token=page["token"])
    assert status == 200, reply
    assert reply["quote"] == "The comment comes a week" and not reply["extended"]
    after = (example / ARTICLE_FILE).read_bytes()
    assert added_lines(before, after) == EXPECTED_LINES
    assert sorted(p.name for p in (example / "content/articles").iterdir() if not p.name.endswith(".md")) == []
    # The watcher sees the save; the rebuild highlights the passage and lists it on the claim's page.
    eventually(lambda: re.search(r'<mark class="hl hl-neutral"><span class="hl-anchor"[^>]*></span>The comment comes a week</mark>',
                                 get(server, PAGE)[1]), timeout=60)
    assert "The comment comes a week" in get(server, f"/claims/{CLAIM}/")[1]
    assert settings(server)["digest"] == reply["digest"]


def test_a_mention_is_edited_and_removed_with_minimal_diffs(server, example):
    page = settings(server)
    before = (example / ARTICLE_FILE).read_bytes()
    status, reply = post(server, "/_factcheck/mention/edit",
                         {"article": ARTICLE, "digest": page["digest"], "mention": 2,
                          "changes": {"stance": "neutral", "note": None}}, token=page["token"])
    assert status == 200, reply
    edited = (example / ARTICLE_FILE).read_bytes()
    assert added_lines(before, edited) == [
        "-    stance: supports", "+    stance: neutral",
        "-    note: Hedged (“may have not entirely”) and reported second-hand."]
    status, reply = post(server, "/_factcheck/mention/remove",
                         {"article": ARTICLE, "digest": reply["digest"], "mention": 3}, token=page["token"])
    assert status == 200, reply
    assert added_lines(edited, (example / ARTICLE_FILE).read_bytes()) == [
        "-  - claim: taliban-kept-ties-with-al-qaeda", "-    actor: afghan-government", "-    stance: supports",
        "-    quote: The Afghan government, too, claims that the groups are still linked."]


def test_a_new_claim_and_a_new_actor_are_created_with_the_mention(server, example):
    page = settings(server)
    payload = annotation(page, new_claim={"id": "comment-follows-embassy", "statement": "The comment followed the embassy's."},
                         new_actor={"id": "new-speaker", "name": "A. Speaker: “new”", "kind": "person"})
    del payload["claim"]
    status, reply = post(server, "/_factcheck/annotate", payload, token=page["token"])
    assert status == 200, reply
    assert sorted(reply["created"]) == ["content/actors/new-speaker.md", "content/claims/comment-follows-embassy.md"]
    claim = (example / "content/claims/comment-follows-embassy.md").read_text()
    assert "statement: The comment followed the embassy's." in claim
    eventually(lambda: get(server, "/claims/comment-follows-embassy/")[0] == 200, timeout=60)
    assert not [d for d in server.errors()], server.errors()
    assert "A. Speaker: “new”" in get(server, "/actors/new-speaker/")[1]


BAD_IDS = ["../claims/x", "/etc/passwd", "a\x00b", "content/articles/x", "X", "", "a/../b", "a.md", 7, None]


def refusals(page: dict):
    good = annotation(page)
    yield "no token", dict(payload=good), 403
    yield "wrong token", dict(payload=good, token="x" * 43), 403
    yield "foreign origin", dict(payload=good, token=page["token"], headers={"Origin": "http://evil.example"}), 403
    yield "foreign host", dict(payload=good, token=page["token"], headers={"Host": "evil.example:80"}), 421
    yield "GET", dict(payload=good, token=page["token"], method="GET"), 405
    yield "PUT", dict(payload=good, token=page["token"], method="PUT"), 501
    yield "not JSON", dict(payload=good, token=page["token"], headers={"Content-Type": "text/plain"}), 415
    yield "a form", dict(payload=good, token=page["token"],
                         headers={"Content-Type": "application/x-www-form-urlencoded"}), 415
    yield "broken JSON", dict(payload=None, token=page["token"], body=b"{not json"), 400
    yield "NaN, not JSON", dict(payload=None, token=page["token"], body=json.dumps({**good, "value": float("nan")}).encode()), 400
    yield "nested deeper than Python recurses", dict(payload=None, token=page["token"],
                                                     body=b"[" * 30000 + b"]" * 30000), 400
    yield "oversized", dict(payload=None, token=page["token"], body=b" " * (MAX_BODY_BYTES + 1)), 413
    yield "changed file", dict(payload={**good, "digest": "0" * 32}, token=page["token"]), 409
    for key in ("article", "claim", "actor", "via"):
        for bad in BAD_IDS:
            if not (key in ("actor", "via") and bad is None):
                yield f"{key}={bad!r}", dict(payload={**good, key: bad}, token=page["token"]), 400


def test_every_unsafe_request_is_refused_and_nothing_is_written(server, example):
    page = settings(server)
    before = snapshot(example)
    for name, request, status in refusals(page):
        got, reply = post(server, "/_factcheck/annotate", **request)
        assert got == status, (name, got, reply)
        assert snapshot(example) == before, name
    for path in ("/_factcheck/mention/edit", "/_factcheck/mention/remove"):
        got, _ = post(server, path, {"article": ARTICLE, "digest": page["digest"], "mention": 0})
        assert got == 403
        got, _ = post(server, path, {"article": "../articles/x", "digest": page["digest"], "mention": 0},
                      token=page["token"])
        assert got == 400
    assert snapshot(example) == before


def test_the_token_is_in_served_article_pages_only_and_never_in_the_built_site(server):
    page = settings(server)
    assert page["token"] and page["digest"] and page["article"] == ARTICLE
    assert settings(server, f"/claims/{CLAIM}/") == {}
    assert not any(page["token"].encode() in body or SETTINGS_ID.encode() in body
                   for body in server.builder.outputs.values())


def test_an_article_page_lists_its_mentions_with_the_ids_of_their_highlights(server, example):
    page = settings(server)
    status, html = get(server, PAGE)
    anchors = re.findall(r'<span class="hl-anchor" id="([^"]+)"></span>', html)
    assert sorted(m["anchor"] for m in page["mentions"]) == sorted(anchors)
    third = page["mentions"][2]
    assert third["mention"] == 2 and third["claim"] == CLAIM and third["stance"] == "supports"
    assert third["actor"] == "unnamed-acting-head-us-embassy-kabul" and third["note"].startswith("Hedged")
    assert page["missing"] == []  # every attributed passage of it is annotated (check --coverage)
    # Once the file changes, the page it was made from no longer offers to annotate (a reload follows).
    (example / ARTICLE_FILE).write_bytes((example / ARTICLE_FILE).read_bytes() + b"\nMore.\n")
    eventually(lambda: settings(server).get("digest") not in (None, page["digest"]), timeout=60)


@pytest.mark.parametrize("selection, code", [
    ({"text": "linked.\n\n\"Taliban created"}, "two-paragraphs"),
    ({"text": "al-Qaeda"}, "select-more"),
    ({"text": "not in this article at all"}, "not-found"),
])
def test_a_selection_without_a_quote_to_write_is_refused_and_nothing_is_written(server, example, selection, code):
    page = settings(server)
    before = snapshot(example)
    status, reply = post(server, "/_factcheck/annotate", annotation(page, selection=selection), token=page["token"])
    assert (status, reply["error"]) == (422, code) and reply["message"]
    assert snapshot(example) == before


def test_an_ambiguous_selection_is_extended_until_the_build_anchors_it_once(server, example):
    page = settings(server)
    status, reply = post(server, "/_factcheck/annotate", annotation(
        page, selection={"text": "al-Qaeda", "before": "killed 22 ", "after": " members in Helmand"}),
        token=page["token"])
    assert status == 200 and reply["extended"] and reply["quote"] == "al-Qaeda members", reply  # "22 al-Qaeda members"


@pytest.mark.parametrize("more, status, code", [
    ({"claim": "no-such-claim"}, 422, "unknown-claim"),
    ({"actor": "no-such-actor"}, 422, "unknown-actor"),
    ({"stance": "agrees"}, 422, "bad-stance"),
    ({"value_attributed_to": "cnn"}, 422, "no-value"),
    ({"unit": "al-Qaeda members killed"}, 422, "no-value"),
    ({"value": 22, "unit": ""}, 400, "bad-request"),
    ({"value": 22, "unit": " \t "}, 400, "bad-request"),
    ({"value": 22, "unit": "x" * 5000}, 400, "bad-request"),
    ({"value": 22, "unit": 7}, 400, "bad-request"),
    ({"value": "14"}, 400, "bad-request"),
    ({"note": "x" * 5000}, 400, "bad-request"),
    ({"note": " "}, 400, "bad-request"),  # the front matter refuses an empty note
    ({"value": 10 ** 400}, 400, "bad-request"),  # and a number no float can hold
    ({"new_claim": {"id": "no-al-qaeda-in-taliban-ranks", "statement": "taken"}}, 400, "bad-request"),
    ({"new_actor": {"id": "taliban", "name": "T", "kind": "organisation"}}, 409, "id-taken"),
    ({"new_actor": {"id": "urdupoint-news", "name": "U", "kind": "organisation"}}, 409, "id-taken"),
    ({"new_actor": {"id": "someone", "name": "S", "kind": "robot"}}, 422, "bad-kind"),
])
def test_what_the_site_does_not_have_is_refused_and_nothing_is_written(server, example, more, status, code):
    page = settings(server)
    before = snapshot(example)
    got, reply = post(server, "/_factcheck/annotate", annotation(page, **more), token=page["token"])
    assert (got, reply["error"]) == (status, code), reply
    assert snapshot(example) == before


def test_the_catalogue_lists_claims_and_actors_for_the_form(server):
    page = settings(server)
    status, reply = post(server, "/_factcheck/catalogue", None, token=page["token"], method="GET", body=b"")
    assert status == 200
    assert {"id": CLAIM, "statement": reply["claims"][[c["id"] for c in reply["claims"]].index(CLAIM)]["statement"],
            "draft": False, "unit": None} in reply["claims"]
    # A claim's unit, for the hint of the form's unit field.
    assert next(c for c in reply["claims"] if c["id"] == FIGURE_CLAIM)["unit"] == "AQIS members killed"
    mujahid = next(a for a in reply["actors"] if a["id"] == "zabihullah-mujahid")
    assert mujahid["kind"] == "person" and mujahid["name"]
    assert post(server, "/_factcheck/catalogue", None, method="GET", body=b"")[0] == 403


FIGURE_CLAIM = "helmand-aqis-members-killed"  # its unit: AQIS members killed


def test_a_figure_in_another_unit_is_written_with_it_and_reads_back_as_the_mentions_unit(server, example):
    page = settings(server)
    before = (example / ARTICLE_FILE).read_bytes()
    status, reply = post(server, "/_factcheck/annotate", annotation(
        page, claim=FIGURE_CLAIM, note=None, value=22, unit="  al-Qaeda members killed ",
        value_attributed_to="unspecified-media"), token=page["token"])
    assert status == 200, reply
    # With its figure (value, unit, value_attributed_to, as the example's own mention has it), spaces dropped
    # as the front matter's validation drops them.
    assert added_lines(before, (example / ARTICLE_FILE).read_bytes()) == [
        f"+  - claim: {FIGURE_CLAIM}", "+    stance: neutral", "+    value: 22", "+    unit: al-Qaeda members killed",
        "+    value_attributed_to: unspecified-media", "+    quote: The comment comes a week"]
    # The rebuild reads it back as the mention's own unit, with no problem, and the claim's page gives the
    # figure with it.
    eventually(lambda: settings(server).get("digest") == reply["digest"], timeout=60)
    added = settings(server)["mentions"][-1]
    assert (added["claim"], added["value"], added["unit"]) == (FIGURE_CLAIM, 22, "al-Qaeda members killed")
    assert not server.errors(), server.errors()
    claim_page = get(server, f"/claims/{FIGURE_CLAIM}/")[1]
    assert claim_page.count("<strong>22</strong> al-Qaeda members killed") == 2  # the example's 22, and this one


@pytest.mark.parametrize("more, message", [
    ({"unit": "al-Qaeda members killed"}, "'unit' says what 'value' counts: give the value too"),
    ({"value": 22, "unit": "  "}, "'unit' must not be empty: leave it out instead"),
])
def test_a_unit_is_refused_where_the_front_matter_would_refuse_it_and_says_why(server, example, more, message):
    page = settings(server)
    before = snapshot(example)
    _, reply = post(server, "/_factcheck/annotate", annotation(page, claim=FIGURE_CLAIM, **more), token=page["token"])
    assert reply["message"] == message
    assert snapshot(example) == before


def test_the_form_offers_a_unit_with_the_figure_and_its_hint_can_name_the_claims_unit(server):
    words = settings(server)["words"]
    form = words["form"]
    field = re.search(r'<div class="fca-field" id="fca-unit-field" hidden><label for="fca-unit">Unit</label>'
                      r'<input id="fca-unit" name="unit" [^>]*aria-describedby="fca-unit-hint"[^>]*>'
                      r'<p class="fca-hint" id="fca-unit-hint">([^<]*)</p></div>', form)
    assert field, form
    assert field.group(1) == words["hints"]["unit"] == (
        "Only when the figure counts something other than the claim’s unit; empty: the claim’s unit.")
    # Next to the figure: after its field, before whose it is, in the folded "More".
    assert form.index('id="fca-value"') < field.start() < form.index('id="fca-whose"') < form.index("</details>")
    assert words["claim_unit"] == (
        "Only when the figure counts something other than the claim’s unit, “%(unit)s”; empty: that unit.")


def test_read_only_turns_annotation_off(example):
    server = start(example, search=False, read_only=True)
    try:
        assert settings(server) == {}
        before = snapshot(example)
        status, reply = post(server, "/_factcheck/annotate", {"article": ARTICLE}, token="anything")
        assert status == 403 and reply["error"] == "read-only"
        assert snapshot(example) == before
    finally:
        server.stop()


def test_listening_beyond_this_machine_with_annotation_on_warns(example, capsys):
    server = start(example, search=False, host="0.0.0.0")
    try:
        announce(server, example)
        assert "Warning: annotation is on" in capsys.readouterr().err
    finally:
        server.stop()
    server = start(example, search=False)
    try:
        announce(server, example)
        assert "Warning" not in capsys.readouterr().err
    finally:
        server.stop()


@pytest.mark.parametrize("note", ["", "   "])
def test_an_edit_to_an_empty_note_is_refused_as_the_front_matter_would(server, example, note):
    page = settings(server)
    before = snapshot(example)
    got, reply = post(server, "/_factcheck/mention/edit", {"article": page["article"], "digest": page["digest"],
                                                           "mention": 0, "changes": {"note": note}}, token=page["token"])
    assert (got, reply["error"], reply["message"]) == (400, "bad-request", "'note' must not be empty: leave it out instead")
    assert snapshot(example) == before



def test_a_content_length_of_thousands_of_digits_is_too_large(server):
    import socket
    page = settings(server)
    port = server.http.server_address[1]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        client.sendall((f"POST /_factcheck/annotate HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                        f"Origin: http://127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
                        f"X-Factcheck-Token: {page['token']}\r\nContent-Length: {'1' * 5000}\r\n\r\n").encode())
        status_line = client.makefile("rb").readline()
    assert status_line.split()[1:2] == [b"413"], status_line
    assert not server.errors(), server.errors()


@pytest.mark.parametrize("action", ["annotate", "edit"])
def test_what_the_build_would_refuse_is_not_written_even_where_a_request_check_misses_it(
        server, example, monkeypatch, action):
    """The net under the request's own checks: were one of them to let an
    empty note through, the article, checked as a build checks it, says no."""
    from generator.annotation import requests

    monkeypatch.setattr(requests, "mention_text", lambda payload, key: payload.get(key))
    page = settings(server)
    before = snapshot(example)
    if action == "annotate":
        got, reply = post(server, "/_factcheck/annotate", annotation(page, note="   "), token=page["token"])
    else:
        got, reply = post(server, "/_factcheck/mention/edit", {"article": page["article"], "digest": page["digest"],
                                                               "mention": 0, "changes": {"note": "  "}},
                          token=page["token"])
    assert (got, reply["error"]) == (422, "would-not-build")
    assert reply["message"].startswith("nothing was written: with this change the article would not build (line ")
    assert "note" in reply["message"]
    assert snapshot(example) == before
