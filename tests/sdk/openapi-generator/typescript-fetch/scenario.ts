// SDK scenario: drives a live newsdesk through the client that openapi-generator's
// `typescript-fetch` generator made from openapi/openapi.json (./generated). No
// hand-written HTTP. Run by tests/sdk/run (compiled with `tsc --strict`, then
// `node build/scenario.js`) with NEWSDESK_URL and NEWSDESK_TOKEN.
import { randomUUID } from 'node:crypto';
import {
  ArticlesApi,
  ArticleStatus,
  Configuration,
  LinkRelation,
  type Problem,
  ProblemFromJSON,
  QuotesApi,
  ResponseError,
} from './generated';

const config = new Configuration({ basePath: process.env.NEWSDESK_URL, accessToken: process.env.NEWSDESK_TOKEN });
const articles = new ArticlesApi(config);
const quotesApi = new QuotesApi(config);
const anonymous = new ArticlesApi(new Configuration({ basePath: process.env.NEWSDESK_URL }));

function check(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(what);
}

/** `call` fails with `status` and a problem document. */
async function expectProblem(call: () => Promise<unknown>, status: number, what: string): Promise<{ problem: Problem; response: Response }> {
  try {
    await call();
  } catch (e) {
    check(e instanceof ResponseError, `${what}: not a response error: ${String(e)}`);
    check(e.response.status === status, `${what}: expected ${status}, got ${e.response.status}`);
    check(e.response.headers.get('content-type')?.startsWith('application/problem+json'), `${what}: not a problem document`);
    const problem = ProblemFromJSON(await e.response.json());
    check(problem.status === status, `${what}: problem status ${problem.status}`);
    return { problem, response: e.response };
  }
  throw new Error(`${what}: expected ${status}, the call succeeded`);
}
function etag(r: { raw: Response }, what: string): string {
  const value = r.raw.headers.get('ETag');
  check(value, `${what}: no ETag header`);
  return value;
}

async function main(): Promise<void> {
  const run = randomUUID().slice(0, 8);
  const speaker = `Speaker ${run}`;
  const section = `SDK openapi-generator TypeScript ${run}`;

  // Without a token, a write is refused with a 401 problem and a Bearer challenge.
  const refused = await expectProblem(
    () => anonymous.createArticle({ newArticleInput: { title: `Anonymous ${run}`, body: 'x' } }), 401, 'create without a token');
  check(refused.problem.type === '/problems/unauthorized', `401 problem type: ${refused.problem.type}`);
  check(refused.response.headers.get('WWW-Authenticate')?.startsWith('Bearer'), '401 without a Bearer challenge');

  // An article to link to, then one with nested quotes and related links.
  const target = await articles.createArticle({
    newArticleInput: { title: `Link target ${run}`, status: ArticleStatus.Published, body: 'Target body.', section },
  });
  const createdRaw = await articles.createArticleRaw({
    newArticleInput: {
      title: `openapi-generator TypeScript article ${run}`,
      body: 'Body text.',
      status: ArticleStatus.Published,
      section,
      tags: new Set(['SDK', 'TypeScript']),
      quotes: [
        { speakerName: speaker, text: 'First quote.', speakerTitle: 'Minister' },
        { speakerName: speaker, text: 'Second quote.', context: 'at a briefing' },
      ],
      relatedLinks: [
        { targetArticleId: target.id, relation: LinkRelation.More },
        { url: 'https://example.org/analysis', title: 'Analysis', relation: LinkRelation.Related },
      ],
    },
  });
  check(createdRaw.raw.status === 201, `create article: ${createdRaw.raw.status}`);
  etag(createdRaw, 'create article');
  const article = await createdRaw.value();
  check(article.quotes?.length === 2, 'two quotes embedded');
  check(article.relatedLinks?.length === 2, 'two related links embedded');
  const [internal, external] = article.relatedLinks;
  check(internal.targetArticleId === target.id, 'internal link points at the target');
  check(internal.title === target.title, "internal link shows the target's title");
  check(external.url === 'https://example.org/analysis', 'external link keeps its URL');

  // More articles in the section, then page through them two at a time.
  for (let i = 0; i < 3; i++) {
    await articles.createArticle({
      newArticleInput: { title: `Filler ${i} ${run}`, body: 'Filler.', status: ArticleStatus.Published, section },
    });
  }
  const seen: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await articles.listArticles({ section, limit: 2, cursor, include: ['quotes', 'related_links'] });
    pages++;
    check(page.items.length <= 2, 'a page holds at most `limit` items');
    seen.push(...page.items.map((a) => a.id));
    const mine = page.items.find((a) => a.id === article.id);
    if (mine) check(mine.quotes?.length === 2 && mine.relatedLinks?.length === 2, 'include embeds children');
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
    check(pages < 10, 'paging terminates');
  }
  check(pages === 3, `5 articles in pages of 2 make 3 pages, got ${pages}`);
  check(seen.length === 5 && new Set(seen).size === 5, `every article exactly once: ${seen}`);
  check(seen.includes(article.id) && seen.includes(target.id), 'the created articles are listed');

  // Quotes by speaker.
  const quotes = await quotesApi.searchQuotes({ speaker });
  const texts = quotes.items.map((q) => q.text).sort();
  check(JSON.stringify(texts) === JSON.stringify(['First quote.', 'Second quote.']), `quotes by speaker: ${texts}`);
  check(quotes.items.every((q) => q.articleId === article.id), 'quotes belong to the article');

  // Conditional update: the current ETag wins, the stale one gets 412.
  const current = etag(await articles.getArticleRaw({ article: article.id }), 'get article');
  const updatedRaw = await articles.updateArticleRaw({
    article: article.id, ifMatch: current, articlePatch: { title: `Updated ${run}`, summary: 'Now with a summary.' },
  });
  const updated = await updatedRaw.value();
  check(updated.title === `Updated ${run}`, 'title updated');
  check(updated.version === article.version + 1, 'version grew by one');
  check(etag(updatedRaw, 'update') !== current, 'new ETag after update');
  await expectProblem(
    () => articles.updateArticle({ article: article.id, ifMatch: current, articlePatch: { title: 'Lost update' } }),
    412, 'update with stale If-Match');

  // A 422 problem with pointers.
  const invalid = await expectProblem(() => articles.createArticle({
    newArticleInput: { title: '   ', quotes: [{ speakerName: 'X', text: '' }] },
  }), 422, 'invalid article');
  const pointers = new Set((invalid.problem.errors ?? []).map((e) => e.pointer));
  check(pointers.has('/title') && pointers.has('/quotes/0/text'), `pointers: ${[...pointers]}`);

  // Delete, then 404.
  const deleted = await articles.deleteArticleRaw({ article: article.id });
  check(deleted.raw.status === 204, `delete: ${deleted.raw.status}`);
  await expectProblem(() => articles.getArticle({ article: article.id }), 404, 'get after delete');
  console.log('openapi-generator typescript-fetch scenario: ok');
}

main().catch((e: unknown) => {
  console.error(`openapi-generator typescript-fetch scenario FAILED: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
