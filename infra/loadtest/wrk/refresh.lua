-- POST /auth/refresh the way a browser does (refresh cookie + X-Requested-With), each answer's
-- new cookie queued for a later request: a pool of sessions kept rotating. The access tokens
-- minted are written one a line to `tokens_out`.<thread>, which is how the token pools of
-- infra/loadtest/run are built through the issuer.
--
--   wrk ... -s refresh.lua ISSUER -- cookies=FILE [tokens_out=PREFIX] [threads=N]
-- LOADTEST_COOKIES_OUT (environment: `done` runs where the arguments are not seen): a file for
-- the refresh tokens still unspent when wrk stops, for a later run.
-- Each thread owns a disjoint share of the refresh tokens: a token is never presented twice
-- (that would be theft, CONTRACT.md). The driver stops wrk with SIGINT once it has enough.
package.path = os.getenv("LOADTEST_WRK_DIR") .. "/?.lua;" .. package.path
local report = require("report")

-- Globals, so that `done` can read what is left through thread:get.
queue, head, tail = {}, 1, 0
local out
-- wrk calls request() once on the first thread's script before it opens any connection, to
-- check what it returns; that call must not take a cookie off the queue, or its session would
-- never be refreshed again.
local checked = false

function setup(thread) report.setup(thread) end

function init(args)
  local options = report.arguments(args)
  local cookies = report.lines(options.cookies)
  local threads = tonumber(options.threads or "1")
  for index = id + 1, #cookies, threads do
    tail = tail + 1
    queue[tail] = cookies[index]
  end
  if options.tokens_out then
    out = assert(io.open(options.tokens_out .. "." .. id, "w"))
    -- Line buffered: wrk never closes a thread's files, and the driver counts the lines.
    out:setvbuf("line")
  end
end

function request()
  local cookie = "spent"
  if not checked and id == 0 then
    checked = true
  elseif head <= tail then
    cookie = queue[head]
    queue[head] = nil
    head = head + 1
  else
    -- Every session is in flight or lost: an unknown token is refused without harm.
    report.count("queue_empty")
  end
  return wrk.format("POST", "/auth/refresh", {
    ["Cookie"] = "refresh_token=" .. cookie, ["X-Requested-With"] = "loadtest", ["Content-Length"] = "0",
  })
end

function response(status, headers, body)
  report.status(status)
  if status ~= 200 then return end
  local cookie = (headers["Set-Cookie"] or headers["set-cookie"] or ""):match("refresh_token=([^;]+)")
  if cookie then
    tail = tail + 1
    queue[tail] = cookie
  end
  local token = body:match('"access_token":"([^"]+)"')
  if out and token then out:write(token, "\n") end
end

function done(summary, latency, requests)
  report.done(summary, latency)
  local path = os.getenv("LOADTEST_COOKIES_OUT")
  if not path then return end
  local file = assert(io.open(path, "w"))
  for _, thread in ipairs(report.threads()) do
    local queue, head, tail = thread:get("queue"), thread:get("head"), thread:get("tail")
    for index = head, tail do
      if queue[index] then file:write(queue[index], "\n") end
    end
  end
  file:close()
end
