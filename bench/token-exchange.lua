-- wrk script: POST /token redeeming each pre-minted authorization code exactly once.
--
--   wrk -t2 -c32 -d10s --latency -s bench/token-exchange.lua http://127.0.0.1:18090 -- CODES_FILE THREADS
--
-- CODES_FILE is what `wechat-oidc bench --serve-only` writes: the first line is the
-- Authorization header value (client_secret_basic), every following line one form body that
-- redeems one code. THREADS must equal wrk's -t: thread k (0-based) sends lines k, k+T, k+2T…,
-- so no code is sent twice. Any response other than 200, any socket error, or a thread running
-- out of codes before the end makes the run INVALID (reported on the last line).

local threads = {}
local created = 0

function setup(thread)
  thread:set("thread_index", created)
  created = created + 1
  table.insert(threads, thread)
end

-- Per-thread state (globals, so `done` can read them through thread:get).
non_ok = 0
exhausted = 0
first_bad = ""
local bodies = {}
local nextBody = 1
local headers

function init(args)
  local path, count = args[1], tonumber(args[2] or "1")
  assert(path, "usage: -- CODES_FILE THREADS")
  local file = assert(io.open(path, "r"))
  local authorization = file:read("*l")
  headers = { ["Authorization"] = authorization, ["Content-Type"] = "application/x-www-form-urlencoded" }
  local line_number = 0
  for line in file:lines() do
    if line_number % count == thread_index then bodies[#bodies + 1] = line end
    line_number = line_number + 1
  end
  file:close()
end

function request()
  local body = bodies[nextBody]
  if body == nil then
    -- Out of codes: never reuse one. Stop this thread; the run is reported invalid.
    exhausted = exhausted + 1
    wrk.thread:stop()
    return wrk.format("GET", "/health")
  end
  nextBody = nextBody + 1
  return wrk.format("POST", "/token", headers, body)
end

function response(status, _, body)
  if status ~= 200 then
    non_ok = non_ok + 1
    if first_bad == "" then first_bad = status .. " " .. string.sub(body or "", 1, 200) end
  end
end

function done(summary, latency, _)
  local bad, out_of_codes, sample = 0, 0, ""
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non_ok")
    out_of_codes = out_of_codes + thread:get("exhausted")
    local first = thread:get("first_bad")
    if sample == "" and first ~= "" then sample = first end
  end
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  local seconds = summary.duration / 1e6
  local valid = (bad == 0 and socket_errors == 0 and out_of_codes == 0 and e.status == 0)
  io.write(string.format(
    "RESULT exchanges=%d seconds=%.2f rate=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f non_200=%d socket_errors=%d out_of_codes=%d %s\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    bad, socket_errors, out_of_codes, valid and "VALID" or "INVALID"))
  if sample ~= "" then io.write("first non-200 response: " .. sample .. "\n") end
end
