"""SDK scenario: drives a live newsdesk through the client that openapi-generator's
`python` generator (pydantic models) made from openapi/openapi.json (package
`newsdesk_client`). No hand-written HTTP.

Run by tests/sdk/run with NEWSDESK_URL and NEWSDESK_TOKEN set and the generated
package on PYTHONPATH.
"""

from __future__ import annotations

import os
import sys
import uuid
from typing import Any, Callable, TypeVar

import newsdesk_client
from newsdesk_client import (
    ArticlePatch,
    ArticleStatus,
    ArticlesApi,
    ExternalLinkInput,
    IncludeOption,
    InternalLinkInput,
    LinkRelation,
    NewArticleInput,
    Problem,
    QuoteInput,
    QuotesApi,
    RelatedLinkInput,
)
from newsdesk_client.api_response import ApiResponse
from newsdesk_client.exceptions import ApiException

T = TypeVar("T")


def check(cond: bool, what: str) -> None:
    if not cond:
        raise AssertionError(what)


def ok(resp: ApiResponse[T], status: int, what: str) -> T:
    """The response has `status` and a parsed body."""
    check(resp.status_code == status, f"{what}: expected {status}, got {resp.status_code}")
    check(resp.data is not None, f"{what}: no body")
    return resp.data


def problem(call: Callable[[], Any], status: int, what: str) -> Problem:
    """`call` fails with `status` and a problem document."""
    try:
        call()
    except ApiException as e:
        check(e.status == status, f"{what}: expected {status}, got {e.status}: {e.body}")
        content_type = header(e.headers, "Content-Type") or ""
        check(content_type.startswith("application/problem+json"), f"{what}: not a problem: {content_type}")
        parsed = Problem.from_json(e.body or "")
        check(parsed is not None and parsed.status == status, f"{what}: problem body: {e.body}")
        assert parsed is not None
        return parsed
    raise AssertionError(f"{what}: expected {status}, the call succeeded")


def header(headers: Any, name: str) -> str | None:
    """A response header by name, whatever the case (ApiResponse copies urllib3's
    case-insensitive headers into a plain dict; the server sends names in lower case)."""
    found = [str(v) for k, v in dict(headers or {}).items() if k.lower() == name.lower()]
    return found[0] if found else None


def etag(resp: ApiResponse[Any], what: str) -> str:
    value = header(resp.headers, "ETag")
    check(bool(value), f"{what}: no ETag header")
    assert value is not None
    return value


def main() -> None:
    # The bearer token (made by `newsdesk token create`) goes with every request.
    config = newsdesk_client.Configuration(host=os.environ["NEWSDESK_URL"],
                                           access_token=os.environ["NEWSDESK_TOKEN"])
    with newsdesk_client.ApiClient(config) as api_client:
        articles = ArticlesApi(api_client)
        quotes_api = QuotesApi(api_client)
        run = uuid.uuid4().hex[:8]
        speaker = f"Speaker {run}"
        section = f"SDK openapi-generator Python {run}"

        # An article to link to, then one with nested quotes and related links.
        target = ok(articles.create_article_with_http_info(NewArticleInput(
            title=f"Link target {run}", status=ArticleStatus.PUBLISHED, body="Target body.", section=section,
        )), 201, "create target")
        created = articles.create_article_with_http_info(NewArticleInput(
            title=f"openapi-generator Python article {run}",
            body="Body text.",
            status=ArticleStatus.PUBLISHED,
            section=section,
            tags=["SDK", "Python"],
            quotes=[
                QuoteInput(speaker_name=speaker, text="First quote.", speaker_title="Minister"),
                QuoteInput(speaker_name=speaker, text="Second quote.", context="at a briefing"),
            ],
            related_links=[
                RelatedLinkInput(InternalLinkInput(target_article_id=target.id, relation=LinkRelation.MORE)),
                RelatedLinkInput(ExternalLinkInput(url="https://example.org/analysis", title="Analysis",
                                                   relation=LinkRelation.RELATED)),
            ],
        ))
        article = ok(created, 201, "create article")
        etag(created, "create article")
        check(article.quotes is not None and len(article.quotes) == 2, "two quotes embedded")
        check(article.related_links is not None and len(article.related_links) == 2, "two related links embedded")
        assert article.related_links is not None
        internal, external = article.related_links
        check(internal.target_article_id == target.id, "internal link points at the target")
        check(internal.title == target.title, "internal link shows the target's title")
        check(external.url == "https://example.org/analysis", "external link keeps its URL")

        # More articles in the section, then page through them two at a time.
        for i in range(3):
            ok(articles.create_article_with_http_info(NewArticleInput(
                title=f"Filler {i} {run}", body="Filler.", status=ArticleStatus.PUBLISHED, section=section,
            )), 201, f"create filler {i}")
        seen: list[str] = []
        cursor: str | None = None
        pages = 0
        while True:
            page = ok(articles.list_articles_with_http_info(
                section=section, limit=2, cursor=cursor, include=[IncludeOption.QUOTES, IncludeOption.RELATED_LINKS],
            ), 200, f"list page {pages + 1}")
            pages += 1
            check(len(page.items) <= 2, "a page holds at most `limit` items")
            seen.extend(str(a.id) for a in page.items)
            for listed in page.items:
                if listed.id == article.id:
                    check(listed.quotes is not None and len(listed.quotes) == 2
                          and listed.related_links is not None and len(listed.related_links) == 2,
                          "include embeds children")
            if not page.next_cursor:
                break
            cursor = page.next_cursor
            check(pages < 10, "paging terminates")
        check(pages == 3, f"5 articles in pages of 2 make 3 pages, got {pages}")
        check(len(seen) == 5 and len(set(seen)) == 5, f"every article exactly once: {seen}")
        check(str(article.id) in seen and str(target.id) in seen, "the created articles are listed")

        # Quotes by speaker.
        found = ok(quotes_api.search_quotes_with_http_info(speaker=speaker), 200, "search quotes")
        # `text` is optional in the schema (`fields` may leave it out); this search has no `fields`.
        check(sorted(q.text for q in found.items if q.text is not None) == ["First quote.", "Second quote."],
              f"quotes by speaker: {[q.text for q in found.items]}")
        check(all(q.article_id == article.id for q in found.items), "quotes belong to the article")

        # Conditional update: the current ETag wins, the stale one gets 412.
        got = articles.get_article_with_http_info(str(article.id))
        ok(got, 200, "get article")
        current = etag(got, "get article")
        updated_resp = articles.update_article_with_http_info(
            str(article.id), ArticlePatch(title=f"Updated {run}", summary="Now with a summary."), if_match=current,
        )
        updated = ok(updated_resp, 200, "update with If-Match")
        check(updated.title == f"Updated {run}", "title updated")
        check(updated.version == article.version + 1, "version grew by one")
        check(etag(updated_resp, "update") != current, "new ETag after update")
        problem(lambda: articles.update_article(str(article.id), ArticlePatch(title="Lost update"), if_match=current),
                412, "update with stale If-Match")

        # A 422 problem with pointers: the schema's "published needs a body" is an
        # if/then the client does not check, so the server is the one to refuse it.
        invalid = problem(lambda: articles.create_article(NewArticleInput(
            title=f"No body {run}", status=ArticleStatus.PUBLISHED)), 422, "published without a body")
        pointers = {e.pointer for e in invalid.errors or []}
        check("/body" in pointers, f"pointers: {pointers}")

        # Delete, then 404.
        deleted = articles.delete_article_with_http_info(str(article.id))
        check(deleted.status_code == 204, f"delete: {deleted.status_code}")
        problem(lambda: articles.get_article(str(article.id)), 404, "get after delete")
    print("openapi-generator python scenario: ok")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"openapi-generator python scenario FAILED: {e}", file=sys.stderr)
        sys.exit(1)
