// SDK scenario: drives a live newsdesk through the fetch client that @hey-api/openapi-ts
// generated from openapi/openapi.json (./generated). No hand-written HTTP.
// Run by tests/sdk/run (compiled to CommonJS with tsc, then `node build/scenario.js`) with NEWSDESK_URL.
import { randomUUID } from 'node:crypto';
import { createClient } from './generated/client';
import {
  createArticle,
  deleteArticle,
  getArticle,
  listArticles,
  searchQuotes,
  updateArticle,
} from './generated/sdk.gen';
import type { Problem } from './generated/types.gen';

// The bearer token (made by `newsdesk token create`) for the operations that declare
// the `bearer` security scheme.
const client = createClient({ baseUrl: process.env.NEWSDESK_URL, auth: () => process.env.NEWSDESK_TOKEN });
const anonymous = createClient({ baseUrl: process.env.NEWSDESK_URL });

function check(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(what);
}

/** The result of a generated call: status `status` and a body (`data` or `error`). */
function expectOk<T>(r: { data?: T; error?: unknown; response: Response }, status: number, what: string): T {
  check(r.response.status === status,
    `${what}: expected ${status}, got ${r.response.status}: ${JSON.stringify(r.error ?? r.data)}`);
  check(r.data !== undefined, `${what}: no body`);
  return r.data;
}
function expectProblem(r: { error?: Problem | unknown; response: Response }, status: number, what: string): Problem {
  check(r.response.status === status,
    `${what}: expected ${status}, got ${r.response.status}: ${JSON.stringify(r.error)}`);
  check(r.response.headers.get('content-type')?.startsWith('application/problem+json'),
    `${what}: not a problem document`);
  const p = r.error as Problem | undefined;
  check(p !== undefined && p.status === status, `${what}: problem body missing or wrong status`);
  return p;
}
function etag(r: { response: Response }, what: string): string {
  const value = r.response.headers.get('ETag');
  check(value, `${what}: no ETag header`);
  return value;
}

async function main(): Promise<void> {
  const run = randomUUID().slice(0, 8);
  const speaker = `Speaker ${run}`;
  const section = `SDK TypeScript ${run}`;

  // Without a token, a write is refused with a 401 problem.
  const refused = await createArticle({ client: anonymous, body: { title: `Anonymous ${run}`, body: 'x' } });
  const unauthorized = expectProblem(refused, 401, 'create without a token');
  check(unauthorized.type === '/problems/unauthorized', `401 problem type: ${unauthorized.type}`);
  check(refused.response.headers.get('WWW-Authenticate')?.startsWith('Bearer'), '401 without a Bearer challenge');

  // An article to link to, then one with nested quotes and related links.
  const target = expectOk(await createArticle({
    client,
    body: { title: `Link target ${run}`, status: 'published', body: 'Target body.', section },
  }), 201, 'create target');
  const createdResult = await createArticle({
    client,
    body: {
      title: `TypeScript SDK article ${run}`,
      body: 'Body text.',
      status: 'published',
      section,
      tags: ['SDK', 'TypeScript'],
      quotes: [
        { speaker_name: speaker, text: 'First quote.', speaker_title: 'Minister' },
        { speaker_name: speaker, text: 'Second quote.', context: 'at a briefing' },
      ],
      related_links: [
        { target_article_id: target.id, relation: 'more' },
        { url: 'https://example.org/analysis', title: 'Analysis', relation: 'related' },
      ],
    },
  });
  const article = expectOk(createdResult, 201, 'create article');
  etag(createdResult, 'create article');
  check(article.quotes?.length === 2, 'two quotes embedded');
  check(article.related_links?.length === 2, 'two related links embedded');
  const [internal, external] = article.related_links;
  check(internal.target_article_id === target.id, 'internal link points at the target');
  check(internal.title === target.title, "internal link shows the target's title");
  check(external.url === 'https://example.org/analysis', 'external link keeps its URL');

  // More articles in the section, then page through them two at a time.
  for (let i = 0; i < 3; i++) {
    expectOk(await createArticle({
      client,
      body: { title: `Filler ${i} ${run}`, body: 'Filler.', status: 'published', section },
    }), 201, `create filler ${i}`);
  }
  const seen: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  for (;;) {
    const page = expectOk(await listArticles({
      client,
      query: { section, limit: 2, cursor, include: ['quotes', 'related_links'] },
    }), 200, `list page ${pages + 1}`);
    pages++;
    check(page.items.length <= 2, 'a page holds at most `limit` items');
    seen.push(...page.items.map((a) => a.id));
    const mine = page.items.find((a) => a.id === article.id);
    if (mine) check(mine.quotes?.length === 2 && mine.related_links?.length === 2, 'include embeds children');
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
    check(pages < 10, 'paging terminates');
  }
  check(pages === 3, `5 articles in pages of 2 make 3 pages, got ${pages}`);
  check(seen.length === 5 && new Set(seen).size === 5, `every article exactly once: ${seen}`);
  check(seen.includes(article.id) && seen.includes(target.id), 'the created articles are listed');

  // Sparse fields: the members named and the required ones (id, version); no body.
  const sparse = expectOk(await listArticles({
    client,
    query: { section, fields: ['title', 'quotes.text'] },
  }), 200, 'list with fields');
  check(sparse.items.length === 5, `fields keeps every item: ${sparse.items.length}`);
  check(sparse.items.every((a) => a.body === undefined && a.title !== undefined && a.version >= 1),
    'fields leaves the body out and keeps the required members');
  const shaped = sparse.items.find((a) => a.id === article.id);
  check(shaped?.quotes?.length === 2 && shaped.quotes.every((q) => q.text !== undefined && q.speaker_name === undefined),
    'a dot path embeds the quotes with only the members named');

  // Quotes by speaker.
  const quotes = expectOk(await searchQuotes({ client, query: { speaker } }), 200, 'search quotes');
  const texts = quotes.items.map((q) => q.text).sort();
  check(JSON.stringify(texts) === JSON.stringify(['First quote.', 'Second quote.']), `quotes by speaker: ${texts}`);
  check(quotes.items.every((q) => q.article_id === article.id), 'quotes belong to the article');

  // Conditional update: the current ETag wins, the stale one gets 412.
  const got = await getArticle({ client, path: { article: article.id } });
  expectOk(got, 200, 'get article');
  const current = etag(got, 'get article');
  const updatedResult = await updateArticle({
    client,
    path: { article: article.id },
    headers: { 'If-Match': current },
    body: { title: `Updated ${run}`, summary: 'Now with a summary.' },
  });
  const updated = expectOk(updatedResult, 200, 'update with If-Match');
  check(updated.title === `Updated ${run}`, 'title updated');
  check(updated.version === article.version + 1, 'version grew by one');
  check(etag(updatedResult, 'update') !== current, 'new ETag after update');
  expectProblem(await updateArticle({
    client,
    path: { article: article.id },
    headers: { 'If-Match': current },
    body: { title: 'Lost update' },
  }), 412, 'update with stale If-Match');

  // A 422 problem with pointers.
  const invalid = expectProblem(await createArticle({
    client,
    body: { title: '   ', quotes: [{ speaker_name: 'X', text: '' }] },
  }), 422, 'invalid article');
  const pointers = new Set((invalid.errors ?? []).map((e) => e.pointer));
  check(pointers.has('/title') && pointers.has('/quotes/0/text'), `pointers: ${[...pointers]}`);

  // Delete, then 404.
  const deleted = await deleteArticle({ client, path: { article: article.id } });
  check(deleted.response.status === 204, `delete: ${deleted.response.status}`);
  expectProblem(await getArticle({ client, path: { article: article.id } }), 404, 'get after delete');
  console.log('typescript scenario: ok');
}

main().catch((e: unknown) => {
  console.error(`typescript scenario FAILED: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
