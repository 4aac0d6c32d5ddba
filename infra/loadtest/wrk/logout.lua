-- POST /auth/logout with each token of a pool once, at a fixed total rate (open loop: a
-- request's slot is its place in the schedule, not the answer to the one before). Once the
-- pool is used up the schedule goes on with GET /healthz, so that wrk's end never cuts a
-- logout short: run wrk a few seconds longer than the pool lasts. The counters `first` and
-- `last` are when the first and the last logout were sent (seconds, monotonic clock).
--
--   wrk ... -s logout.lua ISSUER -- tokens=FILE rate=1000 [threads=1]
package.path = os.getenv("LOADTEST_WRK_DIR") .. "/?.lua;" .. package.path
local report = require("report")

local requests, next_request, pace, filler = {}, 1, nil, nil
-- wrk calls request() once on the first thread's script before it opens any connection, to
-- check what it returns; that call gets the filler, or the first token would be counted as
-- sent and never be sent.
local checked = false

function setup(thread) report.setup(thread) end

function init(args)
  local options = report.arguments(args)
  local tokens = report.lines(options.tokens)
  local threads = tonumber(options.threads or "1")
  for index = id + 1, #tokens, threads do
    requests[#requests + 1] = wrk.format("POST", "/auth/logout", {
      ["Authorization"] = "Bearer " .. tokens[index], ["Content-Length"] = "0",
    })
  end
  pace = report.pacer(tonumber(options.rate or "1000") / threads)
  filler = wrk.format("GET", "/healthz")
end

function delay() return pace() end

function request()
  if not checked then
    checked = true
    if id == 0 then return filler end
  end
  local request = requests[next_request]
  if not request then return filler end
  if next_request == 1 then counters.first = report.now() end
  counters.last = report.now()
  next_request = next_request + 1
  report.count("sent")
  return request
end

function response(status, headers, body) report.status(status) end

function done(summary, latency, requests) report.done(summary, latency) end
