"""SDK scenario: drives a live newsdesk through the client that openapi-python-client
generated from openapi/openapi.json (package `newsdesk_client`). No hand-written HTTP.

Run by tests/sdk/run with NEWSDESK_URL set and the generated package on PYTHONPATH.
"""

from __future__ import annotations

import os
import sys
import uuid
from typing import Any, TypeVar

from newsdesk_client import AuthenticatedClient
from newsdesk_client.api.articles import (
    create_article,
    delete_article,
    get_article,
    list_articles,
    update_article,
)
from newsdesk_client.api.quotes import search_quotes
from newsdesk_client.models import (
    Article,
    ArticlePage,
    ArticlePatch,
    ArticleStatus,
    ExternalLinkInput,
    IncludeOption,
    InternalLinkInput,
    LinkRelation,
    NewArticleInput,
    Problem,
    QuoteInput,
    QuotePage,
)
from newsdesk_client.types import UNSET, Response, Unset

T = TypeVar("T")


def check(cond: bool, what: str) -> None:
    if not cond:
        raise AssertionError(what)


def expect(resp: Response[Any], status: int, kind: type[T], what: str) -> T:
    """The response has `status` and its parsed body is a `kind`."""
    body = resp.content.decode(errors="replace")[:500]
    check(resp.status_code == status, f"{what}: expected {status}, got {resp.status_code}: {body}")
    check(isinstance(resp.parsed, kind), f"{what}: body is not a {kind.__name__}: {body}")
    assert isinstance(resp.parsed, kind)
    return resp.parsed


def etag(resp: Response[Any], what: str) -> str:
    value = resp.headers.get("ETag")
    check(bool(value), f"{what}: no ETag header")
    assert value is not None
    return value


def main() -> None:
    # The bearer token (made by `newsdesk token create`) goes with every request.
    client = AuthenticatedClient(
        base_url=os.environ["NEWSDESK_URL"], token=os.environ["NEWSDESK_TOKEN"], raise_on_unexpected_status=False
    )
    run = uuid.uuid4().hex[:8]
    speaker = f"Speaker {run}"
    section = f"SDK Python {run}"

    # An article to link to, then one with nested quotes and related links.
    target = expect(
        create_article.sync_detailed(
            client=client,
            body=NewArticleInput(title=f"Link target {run}", status=ArticleStatus.PUBLISHED,
                                 body="Target body.", section=section),
        ),
        201, Article, "create target",
    )
    created_resp = create_article.sync_detailed(
        client=client,
        body=NewArticleInput(
            title=f"Python SDK article {run}",
            body="Body text.",
            status=ArticleStatus.PUBLISHED,
            section=section,
            tags=["SDK", "Python"],
            quotes=[
                QuoteInput(speaker_name=speaker, text="First quote.", speaker_title="Minister"),
                QuoteInput(speaker_name=speaker, text="Second quote.", context="at a briefing"),
            ],
            related_links=[
                InternalLinkInput(target_article_id=target.id, relation=LinkRelation.MORE),
                ExternalLinkInput(url="https://example.org/analysis", title="Analysis",
                                  relation=LinkRelation.RELATED),
            ],
        ),
    )
    article = expect(created_resp, 201, Article, "create article")
    etag(created_resp, "create article")
    check(isinstance(article.quotes, list) and len(article.quotes) == 2, "two quotes embedded")
    check(isinstance(article.related_links, list) and len(article.related_links) == 2,
          "two related links embedded")
    assert isinstance(article.related_links, list)
    internal, external = article.related_links
    check(internal.target_article_id == target.id, "internal link points at the target")
    check(internal.title == target.title, "internal link shows the target's title")
    check(external.url == "https://example.org/analysis", "external link keeps its URL")

    # More articles in the section, then page through them two at a time.
    for i in range(3):
        expect(
            create_article.sync_detailed(
                client=client,
                body=NewArticleInput(title=f"Filler {i} {run}", body="Filler.",
                                     status=ArticleStatus.PUBLISHED, section=section),
            ),
            201, Article, f"create filler {i}",
        )
    seen: list[uuid.UUID] = []
    cursor: str | Unset = UNSET
    pages = 0
    while True:
        page = expect(
            list_articles.sync_detailed(client=client, section=section, limit=2, cursor=cursor,
                                        include=[IncludeOption.QUOTES]),
            200, ArticlePage, f"list page {pages + 1}",
        )
        pages += 1
        check(len(page.items) <= 2, "a page holds at most `limit` items")
        seen.extend(a.id for a in page.items)
        if not isinstance(page.next_cursor, str):
            break
        cursor = page.next_cursor
        check(pages < 10, "paging terminates")
    check(pages == 3, f"5 articles in pages of 2 make 3 pages, got {pages}")
    check(len(seen) == 5 and len(set(seen)) == 5, f"every article exactly once: {seen}")
    check(article.id in seen and target.id in seen, "the created articles are listed")

    # Quotes by speaker.
    quotes = expect(search_quotes.sync_detailed(client=client, speaker=speaker), 200, QuotePage,
                    "search quotes")
    # `text` is optional in the schema (`fields` may leave it out); this search has no `fields`.
    check(sorted(q.text for q in quotes.items if isinstance(q.text, str)) == ["First quote.", "Second quote."],
          f"quotes by speaker: {[q.text for q in quotes.items]}")
    check(all(q.article_id == article.id for q in quotes.items), "quotes belong to the article")

    # Conditional update: the current ETag wins, the stale one gets 412.
    got = get_article.sync_detailed(str(article.id), client=client)
    expect(got, 200, Article, "get article")
    current = etag(got, "get article")
    updated_resp = update_article.sync_detailed(
        str(article.id), client=client, if_match=current,
        body=ArticlePatch(title=f"Updated {run}", summary="Now with a summary."),
    )
    updated = expect(updated_resp, 200, Article, "update with If-Match")
    check(updated.title == f"Updated {run}", "title updated")
    check(updated.version == article.version + 1, "version grew by one")
    check(etag(updated_resp, "update") != current, "new ETag after update")
    stale = expect(
        update_article.sync_detailed(str(article.id), client=client, if_match=current,
                                     body=ArticlePatch(title="Lost update")),
        412, Problem, "update with stale If-Match",
    )
    check(stale.status == 412, "412 problem carries status")

    # A 422 problem with pointers.
    invalid = expect(
        create_article.sync_detailed(
            client=client,
            body=NewArticleInput(title="   ", quotes=[QuoteInput(speaker_name="X", text="")]),
        ),
        422, Problem, "invalid article",
    )
    check(isinstance(invalid.errors, list), "422 problem lists errors")
    assert isinstance(invalid.errors, list)
    pointers = {e.pointer for e in invalid.errors}
    check({"/title", "/quotes/0/text"} <= pointers, f"pointers: {pointers}")

    # Delete, then 404.
    deleted = delete_article.sync_detailed(str(article.id), client=client)
    check(deleted.status_code == 204, f"delete: {deleted.status_code}")
    expect(get_article.sync_detailed(str(article.id), client=client), 404, Problem,
           "get after delete")
    print("python scenario: ok")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"python scenario FAILED: {e}", file=sys.stderr)
        sys.exit(1)
