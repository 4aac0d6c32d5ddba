-- POST /auth/logout with each token of a pool once, at a fixed total rate (open loop: a
-- request's slot is its place in the schedule, not the answer to the one before).
--
--   wrk ... -s logout.lua ISSUER -- tokens=FILE rate=1000 [threads=N]
package.path = os.getenv("LOADTEST_WRK_DIR") .. "/?.lua;" .. package.path
local report = require("report")

local requests, next_request, interval, started, scheduled = {}, 1, 0, nil, 0

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
  interval = threads / tonumber(options.rate or "1000")
end

function delay()
  local now = report.now()
  started = started or now
  scheduled = scheduled + 1
  return math.max(0, math.floor((started + scheduled * interval - now) * 1000))
end

function request()
  local request = requests[next_request]
  if not request then
    wrk.thread:stop()
    return requests[#requests]
  end
  next_request = next_request + 1
  report.count("sent")
  return request
end

function response(status, headers, body) report.status(status) end

function done(summary, latency, requests) report.done(summary, latency) end
