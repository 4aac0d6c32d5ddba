-- POST /auth/login with one user's right password: the issuer's password-hash-bound path.
--
--   wrk ... -s login.lua ISSUER -- username=alice password=... [cookies_out=PREFIX]
-- `cookies_out`: each new session's refresh token, one a line, in PREFIX.<thread>.
package.path = os.getenv("LOADTEST_WRK_DIR") .. "/?.lua;" .. package.path
local report = require("report")

local login, out
-- The issuer answers 503 with Retry-After at once when its password checks are saturated
-- (PASSWORD_HASH_CONCURRENCY, default the core count): wait as told instead of spinning.
local wait_ms = 0

function setup(thread) report.setup(thread) end

function init(args)
  local options = report.arguments(args)
  local body = string.format('{"username":"%s","password":"%s"}', options.username, options.password)
  login = wrk.format("POST", "/auth/login", { ["Content-Type"] = "application/json" }, body)
  if options.cookies_out then
    out = assert(io.open(options.cookies_out .. "." .. id, "w"))
    out:setvbuf("line")
  end
end

function request() return login end

function delay()
  local ms = wait_ms
  wait_ms = 0
  return ms
end

function response(status, headers, body)
  report.status(status)
  if status == 503 then wait_ms = 1000 * (tonumber(headers["Retry-After"] or headers["retry-after"] or "1") or 1) end
  local cookie = status == 200 and (headers["Set-Cookie"] or headers["set-cookie"] or ""):match("refresh_token=([^;]+)")
  if out and cookie then out:write(cookie, "\n") end
end

function done(summary, latency, requests) report.done(summary, latency) end
