"""Feeds, sitemaps and JSON-LD read by real consumers, against a live server.

feedparser (no bozo error, every field present) reads the Atom and RSS feeds, a
JSON Schema written from the JSON Feed 1.1 specification checks the JSON feed,
lxml parses the sitemaps (structure as sitemaps.org, Google News and Google's
image extension define it) and pyld expands the JSON-LD. Lead images must reach
each: Media RSS in the feeds, `image` in the JSON feed, `image:image` in the
sitemaps, an `ImageObject` in the JSON-LD. Drafts, archived and scheduled
articles must never appear; hostile text must come back as the same text,
well-formed.

    python check.py BASE_URL TOKEN     (run by tests/discovery/run)
"""

import datetime
import json
import pathlib
import sys
import traceback
import urllib.error
import urllib.parse
import urllib.request

import feedparser
import jsonschema
import lxml.html
from lxml import etree
from pyld import jsonld

BASE, TOKEN = sys.argv[1], sys.argv[2]
SITE = "https://news.example.com"
PUBLICATION = "The Example Times"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
IMAGE_NS = "http://www.google.com/schemas/sitemap-image/1.1"
IMAGE = {"url": "https://images.example.com/talks.jpg?w=1600&h=900", "alt": "Delegates at a long table",
         "caption": "The talks on Monday.", "credit": "Photograph: Example Agency", "width": 1600, "height": 900}
HOSTILE_IMAGE_URL = "https://images.example.com/h.jpg?a=\"><b>&c=]]>"
# Markup, CDATA ends, C0 controls that XML 1.0 cannot hold (replaced by U+FFFD),
# bidirectional overrides and marks (kept).
HOSTILE = '<b>Bold</b> & "q" ]]> <![CDATA[x]]> \x01\x08\x0b\x1b \u202ereversed\u202c \u200frtl'
HOSTILE_IN_XML = "".join("\ufffd" if c in "\x01\x08\x0b\x1b" else c for c in HOSTILE)
HIDDEN = ["Hidden draft", "Hidden archived", "Hidden scheduled"]


def request(method, path, body=None, headers=None, token=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(BASE + path, data=data, method=method, headers=headers or {})
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def get(path, headers=None):
    status, headers, body = request("GET", path, headers=headers)
    assert status == 200, f"GET {path}: {status} {body[:300]!r}"
    return headers, body


def create(article):
    status, _, body = request("POST", "/v1/articles", article, token=TOKEN)
    assert status == 201, f"create: {status} {body!r}"
    return json.loads(body)


def hours_ago(hours):
    at = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=hours)
    return at.isoformat().replace("+00:00", "Z")


def load_newsroom():
    made = {
        "full": create({
            "title": "Talks resume", "summary": "Both sides return.", "body": "Talks *resumed* today.",
            "byline": "Ana Reporter", "status": "published", "published_at": hours_ago(5), "section": "World",
            "tags": ["Diplomacy", "Peace talks"], "language": "en-GB", "source_name": "Wire",
            "source_url": "https://wire.example.org/a", "image": IMAGE,
            "quotes": [{"text": "We are back.", "speaker_name": "Pat Doe", "speaker_title": "Foreign Minister",
                        "context": "in a statement"}],
        }),
        "hostile": create({
            "title": HOSTILE, "summary": HOSTILE, "byline": HOSTILE, "status": "published",
            "published_at": hours_ago(2), "tags": ["<tag>", "]]>"], "section": "Sport",
            "body": HOSTILE + "\n\n<script>alert(1)</script>[x](javascript:alert(2))<img src=x onerror=alert(3)>",
            "image": {"url": HOSTILE_IMAGE_URL, "alt": HOSTILE, "caption": HOSTILE, "credit": HOSTILE},
        }),
        "old": create({"title": "Last year", "body": "x", "status": "published", "byline": "B",
                       "summary": "S", "tags": ["T"], "published_at": "2025-01-01T00:00:00Z"}),
    }
    tomorrow = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)).isoformat()
    for title, status, published_at in [
        (HIDDEN[0], "draft", None), (HIDDEN[1], "archived", hours_ago(1)), (HIDDEN[2], "published", tomorrow),
    ]:
        create({"title": title, "body": "x", "status": status, "published_at": published_at})
    return made


def check_hidden(text):
    for title in HIDDEN:
        assert title not in text, f"{title} appears"


def check_feedparser(made, path, kind):
    headers, body = get(path)
    assert headers["content-type"] == kind, headers["content-type"]
    feed = feedparser.parse(body)
    assert not feed.bozo, f"{path}: bozo: {feed.get('bozo_exception')!r}"
    assert feed.feed.title == PUBLICATION
    check_hidden(body.decode())
    entries = feed.entries
    assert len(entries) == 3, f"{path}: {len(entries)} entries"
    # The document holds the hostile title as exactly that text (read by lxml);
    # feedparser takes an Atom `type="text"` title as text, while for RSS, which
    # has no such type, it guesses whether the text is HTML and cleans it as HTML.
    xml_titles = etree.fromstring(body).xpath("//*[local-name()='entry' or local-name()='item']/*[local-name()='title']/text()")
    assert xml_titles[0] == HOSTILE_IN_XML, repr(xml_titles[0])
    if kind == "application/atom+xml":
        assert entries[0].title == HOSTILE_IN_XML, repr(entries[0].title)
    else:
        assert "\u202ereversed\u202c \u200frtl" in entries[0].title, repr(entries[0].title)
    full = entries[1]
    for field in ["title", "link", "id", "published_parsed", "updated_parsed", "summary", "author", "tags", "content"]:
        assert full.get(field), f"{path}: entry lacks {field}: {full.keys()}"
    assert full.link == f"{SITE}/world/talks-resume", full.link
    assert full.id == f"urn:uuid:{made['full']['id']}"
    assert full.author == "Ana Reporter"
    assert [t.term for t in full.tags] == ["Diplomacy", "Peace talks"]
    assert full.summary == "Both sides return."
    assert "<em>resumed</em>" in full.content[0].value
    check_safe_html(entries[0].content[0].value)
    # The lead image as Media RSS; the entry's own summary is still its own.
    assert full.media_content == [{"url": IMAGE["url"], "medium": "image", "width": "1600", "height": "900"}], \
        full.media_content
    assert [c["content"] for c in full.media_credit] == [IMAGE["credit"]], full.media_credit
    hostile = entries[0]
    assert [m["url"] for m in hostile.media_content] == [HOSTILE_IMAGE_URL], hostile.media_content
    assert "\u202ereversed\u202c \u200frtl" in hostile.media_credit[0]["content"], hostile.media_credit
    assert "media_content" not in entries[2], "the article without an image has none"
    # The client's cached copy is current: 304.
    status, _, _ = request("GET", path, headers={"If-None-Match": headers["etag"]})
    assert status == 304, status


def check_safe_html(html):
    """No script or style element, no event attribute, no javascript: URL."""
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    assert not tree.xpath("//script | //style | //iframe"), html
    for element in tree.iter():
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), f"{name} in {html}"
            assert not value.strip().lower().startswith("javascript:"), f"{name}={value} in {html}"


class Formats(jsonschema.FormatChecker):
    """uri and date-time checked with the standard library."""

    def __init__(self):
        super().__init__(formats=())

        @self.checks("uri")
        def uri(value):
            parsed = urllib.parse.urlsplit(value)
            return bool(parsed.scheme and parsed.netloc)

        @self.checks("date-time")
        def date_time(value):
            return datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None


def check_json_feed(made):
    headers, body = get("/v1/feeds/articles.json")
    assert headers["content-type"] == "application/feed+json"
    schema = json.loads((pathlib.Path(__file__).parent / "jsonfeed-1.1.schema.json").read_text())
    document = json.loads(body)
    jsonschema.Draft202012Validator(schema, format_checker=Formats()).validate(document)
    # The schema refuses what it should: a sanity check of the schema itself.
    broken = dict(document, items=[{"title": "no id, no content"}])
    assert not jsonschema.Draft202012Validator(schema).is_valid(broken)
    relative_image = dict(document, items=[dict(document["items"][1], image="/talks.jpg")])
    assert not jsonschema.Draft202012Validator(schema, format_checker=Formats()).is_valid(relative_image)
    check_hidden(body.decode())
    assert [i["id"] for i in document["items"]] == [made["hostile"]["id"], made["full"]["id"], made["old"]["id"]]
    assert document["items"][0]["title"] == HOSTILE
    check_safe_html(document["items"][0]["content_html"])
    assert [i.get("image") for i in document["items"]] == [HOSTILE_IMAGE_URL, IMAGE["url"], None]


def sitemap(path):
    headers, body = get(path)
    assert headers["content-type"] == "application/xml"
    # A strict parser: no recovery from broken markup.
    return etree.fromstring(body, etree.XMLParser(recover=False, resolve_entities=False)), body.decode()


def is_w3c_datetime(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).tzinfo is not None


def images_of(url):
    """The `image:loc`s of a sitemap `url` element, after checking the image
    extension's structure: `image:image` holding exactly one `image:loc`."""
    locs = []
    for image in url.findall(f"{{{IMAGE_NS}}}image"):
        assert [c.tag for c in image] == [f"{{{IMAGE_NS}}}loc"], [c.tag for c in image]
        locs.append(image.findtext(f"{{{IMAGE_NS}}}loc"))
    return locs


def check_sitemaps(made):
    root, text = sitemap("/v1/sitemaps/news.xml")
    check_hidden(text)
    assert root.tag == f"{{{SITEMAP_NS}}}urlset"
    urls = root.findall(f"{{{SITEMAP_NS}}}url")
    assert len(urls) == 2, f"news: {len(urls)} (the one from last year is too old)"
    titles = []
    for url in urls:
        loc = url.findtext(f"{{{SITEMAP_NS}}}loc")
        assert loc.startswith(SITE + "/"), loc
        news = url.find(f"{{{NEWS_NS}}}news")
        publication = news.find(f"{{{NEWS_NS}}}publication")
        assert publication.findtext(f"{{{NEWS_NS}}}name") == PUBLICATION
        language = publication.findtext(f"{{{NEWS_NS}}}language")
        assert language in ("en", "zh-cn", "zh-tw") or len(language) in (2, 3), language
        assert is_w3c_datetime(news.findtext(f"{{{NEWS_NS}}}publication_date"))
        titles.append(news.findtext(f"{{{NEWS_NS}}}title"))
        assert [c.tag.split("}")[1] for c in news] == ["publication", "publication_date", "title"]
        assert [c.tag for c in url] == [f"{{{SITEMAP_NS}}}loc", f"{{{NEWS_NS}}}news", f"{{{IMAGE_NS}}}image"]
    assert titles == [HOSTILE_IN_XML, "Talks resume"], titles
    assert [images_of(url) for url in urls] == [[HOSTILE_IMAGE_URL], [IMAGE["url"]]]

    index, _ = sitemap("/v1/sitemaps/index.xml")
    assert index.tag == f"{{{SITEMAP_NS}}}sitemapindex"
    files = [s.findtext(f"{{{SITEMAP_NS}}}loc") for s in index.findall(f"{{{SITEMAP_NS}}}sitemap")]
    assert files == [BASE + "/v1/sitemaps/articles-1.xml"], files
    root, text = sitemap(urllib.parse.urlsplit(files[0]).path)
    check_hidden(text)
    urls = root.findall(f"{{{SITEMAP_NS}}}url")
    assert len(urls) == 3
    for url in urls:
        tags = [c.tag for c in url]
        assert tags[:2] == [f"{{{SITEMAP_NS}}}loc", f"{{{SITEMAP_NS}}}lastmod"], tags
        assert tags[2:] in ([], [f"{{{IMAGE_NS}}}image"]), tags
        assert is_w3c_datetime(url.findtext(f"{{{SITEMAP_NS}}}lastmod"))
    # In the order the articles were first published (their publication numbers),
    # not by their dates: the back-dated one, created last, comes last.
    assert urls[-1].findtext(f"{{{SITEMAP_NS}}}loc") == f"{SITE}/{made['old']['slug']}"
    assert [images_of(url) for url in urls] == [[IMAGE["url"]], [HOSTILE_IMAGE_URL], []]


def schema_org_loader(url, options=None):
    """No network: schema.org's context, as far as these documents need it."""
    assert url.rstrip("/") in ("https://schema.org", "http://schema.org"), url
    return {"contextUrl": None, "documentUrl": url,
            "document": {"@context": {"@vocab": "https://schema.org/"}}}


def check_json_ld(made):
    headers, body = get(f"/v1/articles/{made['full']['slug']}", headers={"Accept": "application/ld+json"})
    assert headers["content-type"] == "application/ld+json"
    document = json.loads(body)
    expanded = jsonld.expand(document, {"documentLoader": schema_org_loader})
    assert len(expanded) == 1, expanded
    node = expanded[0]
    s = "https://schema.org/"
    assert node["@type"] == [s + "NewsArticle"], node["@type"]
    assert node["@id"] == f"{SITE}/world/talks-resume"
    for field in ["headline", "description", "articleBody", "datePublished", "dateModified", "author",
                  "articleSection", "keywords", "inLanguage", "url", "mainEntityOfPage", "isBasedOn", "hasPart"]:
        assert s + field in node, f"JSON-LD lacks {field}"
    quote = node[s + "hasPart"][0]
    assert quote["@type"] == [s + "Quotation"]
    speaker = quote[s + "spokenByCharacter"][0]
    assert speaker["@type"] == [s + "Person"]
    assert speaker[s + "jobTitle"][0]["@value"] == "Foreign Minister"
    image = node[s + "image"][0]
    assert image["@type"] == [s + "ImageObject"], image
    values = {k[len(s):]: v[0]["@value"] for k, v in image.items() if k.startswith(s)}
    assert values == {"url": IMAGE["url"], "contentUrl": IMAGE["url"], "description": IMAGE["alt"],
                      "caption": IMAGE["caption"], "creditText": IMAGE["credit"], "width": 1600, "height": 900}, values
    # Hostile text in an image expands as the same text.
    _, body = get(f"/v1/articles/{made['hostile']['id']}", headers={"Accept": "application/ld+json"})
    image = jsonld.expand(json.loads(body), {"documentLoader": schema_org_loader})[0][s + "image"][0]
    for field in ["description", "caption", "creditText"]:
        assert image[s + field][0]["@value"] == HOSTILE, image
    status, _, _ = request("GET", "/v1/articles/hidden-draft", headers={"Accept": "application/ld+json"})
    assert status == 404


def main():
    made = load_newsroom()
    checks = [
        ("atom via feedparser", lambda: check_feedparser(made, "/v1/feeds/articles.atom", "application/atom+xml")),
        ("rss via feedparser", lambda: check_feedparser(made, "/v1/feeds/articles.rss", "application/rss+xml")),
        ("json feed against its schema", lambda: check_json_feed(made)),
        ("sitemaps via lxml", lambda: check_sitemaps(made)),
        ("json-ld via pyld", lambda: check_json_ld(made)),
    ]
    passed = failed = 0
    for name, check in checks:
        try:
            check()
            passed += 1
            print(f"ok: {name}")
        except Exception:  # noqa: BLE001 - every failure is reported, then counted
            failed += 1
            print(f"FAILED: {name}")
            traceback.print_exc()
    print(f"discovery: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
