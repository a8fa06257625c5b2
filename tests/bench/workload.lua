-- wrk script for tests/bench/run: one workload per run, chosen by BENCH_WORKLOAD,
-- with random keys from the loaded archive (see tests/bench/load.rs for how article
-- numbers map to ids and which are published). Prints one JSON line of results.
--
-- Env: BENCH_WORKLOAD (by-id, by-slug, embedded, first-page, deep-page, tag, search,
-- speaker, create; first-page-identity, -gzip, -br and -zstd: the first page asked
-- for with that Accept-Encoding), BENCH_KEYS (the loader's key directory), BENCH_ARTICLES (archive
-- size), BENCH_TOKEN (a write token, for create).

local workload = os.getenv("BENCH_WORKLOAD")
local keys_dir = os.getenv("BENCH_KEYS")
local articles = tonumber(os.getenv("BENCH_ARTICLES"))
local token = os.getenv("BENCH_TOKEN")

local function read_lines(name)
  local lines = {}
  local file = assert(io.open(keys_dir .. "/" .. name, "r"), "missing key file " .. name)
  for line in file:lines() do
    if line ~= "" then lines[#lines + 1] = line end
  end
  file:close()
  assert(#lines > 0, "empty key file " .. name)
  return lines
end

local function pick(list) return list[math.random(#list)] end

-- Percent-encodes a query value.
local function encode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

-- A published article, uniformly: numbers 10k+1 .. 10k+9 (every tenth is a draft
-- or archived).
local function published_id()
  local n = 10 * math.random(0, math.floor(articles / 10) - 1) + math.random(1, 9)
  return string.format("018f0000-0000-7000-8000-%012d", n)
end

local threads = {}
function setup(thread)
  thread:set("thread_number", #threads + 1)
  threads[#threads + 1] = thread
end

local slugs, tags, words, speakers, cursors
local counter = 0
local create_headers = {
  ["Content-Type"] = "application/json",
  ["Authorization"] = "Bearer " .. (token or ""),
}

function init(args)
  math.randomseed(os.time() * 1000 + (thread_number or 0))
  if workload == "by-slug" then slugs = read_lines("slugs.txt") end
  if workload == "tag" then tags = read_lines("tags.txt") end
  if workload == "search" or workload == "create" then words = read_lines("words.txt") end
  if workload == "speaker" or workload == "create" then speakers = read_lines("speakers.txt") end
  if workload == "deep-page" then cursors = read_lines("cursors.txt") end
end

local function sentence(count)
  local parts = {}
  for i = 1, count do parts[i] = pick(words) end
  return table.concat(parts, " ")
end

local function create_body()
  counter = counter + 1
  local first, second = published_id(), published_id()
  while second == first do second = published_id() end -- the same target twice is a 409
  local links = string.format(
    '[{"target_article_id":"%s","relation":"related"},' ..
    '{"target_article_id":"%s","relation":"more","title":"%s"},' ..
    '{"url":"https://archive.example.org/bench/%d/%d","title":"%s","relation":"feature"}]',
    first, second, sentence(5), thread_number or 0, counter, sentence(4))
  local quotes = {}
  for i = 1, 3 do
    quotes[i] = string.format('{"text":"%s.","speaker_name":"%s","speaker_title":"Spokesperson"}',
      sentence(15), pick(speakers))
  end
  return string.format(
    '{"title":"%s %d %d","summary":"%s.","body":"%s.","status":"published",' ..
    '"tags":["%s","%s","%s","%s"],"quotes":[%s],"related_links":%s}',
    sentence(7), thread_number or 0, counter, sentence(20), sentence(150),
    pick(words), pick(words) .. " news", pick(words) .. " desk", "benchmark",
    table.concat(quotes, ","), links)
end

function request()
  if workload == "by-id" then
    return wrk.format("GET", "/v1/articles/" .. published_id())
  elseif workload == "by-slug" then
    return wrk.format("GET", "/v1/articles/" .. pick(slugs))
  elseif workload == "embedded" then
    return wrk.format("GET", "/v1/articles/" .. published_id() .. "?include=quotes,related_links")
  elseif workload == "first-page" then
    return wrk.format("GET", "/v1/articles?limit=20")
  elseif workload:match("^first%-page%-") then
    local coding = workload:sub(#"first-page-" + 1)
    return wrk.format("GET", "/v1/articles?limit=20", {["Accept-Encoding"] = coding})
  elseif workload == "deep-page" then
    return wrk.format("GET", pick(cursors))
  elseif workload == "tag" then
    return wrk.format("GET", "/v1/articles?tag=" .. encode(pick(tags)) .. "&limit=20")
  elseif workload == "search" then
    return wrk.format("GET", "/v1/articles?q=" .. encode(pick(words)) .. "&limit=20")
  elseif workload == "speaker" then
    return wrk.format("GET", "/v1/quotes?speaker=" .. encode(pick(speakers)))
  elseif workload == "create" then
    return wrk.format("POST", "/v1/articles", create_headers, create_body())
  end
  error("unknown BENCH_WORKLOAD " .. tostring(workload))
end

-- With BENCH_DEBUG set, the first error answer of each thread is shown (wrk reads
-- bodies only when a script asks for them, so this stays off when measuring).
if os.getenv("BENCH_DEBUG") then
  function response(status, headers, body)
    if status >= 400 and not reported then
      reported = true
      io.stderr:write(string.format("first error answer (%d): %s\n", status, body:sub(1, 300)))
    end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"p999_ms":%.3f,' ..
    '"max_ms":%.3f,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    latency.max / 1000, e.connect, e.read, e.write, e.status, e.timeout))
end
