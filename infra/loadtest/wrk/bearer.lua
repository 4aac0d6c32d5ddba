-- GET a protected (or the unauthenticated baseline) route with bearer tokens from a pool.
--
--   wrk ... -s bearer.lua URL -- tokens=FILE [path=/api/me] [threads=N]
--       [forged=FILE forged_every=10]   every 10th request carries a token of the forged corpus
--       [sids=FILE]                     a 200 whose sid is not in FILE counts as forged_accepted
--       [once=1]                        each pool token exactly once, then the thread stops
--       [start=0]                       offset into the pool (keeps instances on different tokens)
-- LOADTEST_RATE=N (environment: wrk only asks for `delay` before the arguments are read): N
-- requests per second from each thread (open loop) instead of as fast as possible.
-- Tokens are taken round-robin; each thread starts at its own offset so that the threads do
-- not send the same token at the same time. Requests are formatted once, in init.
package.path = os.getenv("LOADTEST_WRK_DIR") .. "/?.lua;" .. package.path
local report = require("report")

local valid, forged, sids = {}, {}, nil
local next_valid, next_forged, sent, forged_every, once, left = 1, 1, 0, 0, false, 0
-- wrk calls request() once on the first thread's script before it opens any connection, to
-- check what it returns; that call must not take a token, or with once=1 the first token of the
-- slice would be counted as sent and never be sent.
local checked = false

function setup(thread) report.setup(thread) end

function init(args)
  local options = report.arguments(args)
  local path = options.path or "/api/me"
  local request = function(token)
    return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
  end
  local tokens = report.lines(options.tokens)
  local threads = tonumber(options.threads or "1")
  once = options.once == "1"
  if once then
    -- A disjoint slice per thread.
    for index = id + 1, #tokens, threads do valid[#valid + 1] = request(tokens[index]) end
    left = #valid
  else
    for _, token in ipairs(tokens) do valid[#valid + 1] = request(token) end
    next_valid = (tonumber(options.start or "0") + id * math.floor(#valid / threads)) % #valid + 1
  end
  if options.forged then
    for _, token in ipairs(report.lines(options.forged)) do forged[#forged + 1] = request(token) end
    forged_every = tonumber(options.forged_every or "10")
    next_forged = (id * 7) % #forged + 1
  end
  if options.sids then
    sids = {}
    for _, sid in ipairs(report.lines(options.sids)) do sids[sid] = true end
  end
end

if os.getenv("LOADTEST_RATE") then
  local pace = report.pacer(tonumber(os.getenv("LOADTEST_RATE")))
  function delay() return pace() end
end

function request()
  if not checked then
    checked = true
    if id == 0 then return valid[next_valid] end
  end
  sent = sent + 1
  if forged_every > 0 and sent % forged_every == 0 then
    local request = forged[next_forged]
    next_forged = next_forged % #forged + 1
    report.count("sent_forged")
    return request
  end
  if once then
    if left == 0 then
      wrk.thread:stop()
      return valid[1]
    end
    left = left - 1
  end
  local request = valid[next_valid]
  next_valid = next_valid % #valid + 1
  report.count("sent_valid")
  return request
end

function response(status, headers, body)
  report.status(status)
  if sids and status == 200 then
    local sid = body:match('"sid":"([^"]*)"')
    if not sid or not sids[sid] then report.count("forged_accepted") end
  end
end

function done(summary, latency, requests) report.done(summary, latency) end
