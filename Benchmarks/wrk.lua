-- wrk script for Benchmarks/run. Arguments (after --):
--   get                                  plain GETs of the URL given to wrk
--   graphql <query>                      POST the query (no double quotes in it) as JSON to the URL given to wrk
--   enrol <sessions file> <course slug>  POST /courses/<slug>/enrol, each request as the next signed-in user
--   login <anonymous file> <users file> <password>
--                                        POST /login, each request with a fresh anonymous session and the next user
--                                        (LOGIN_OFFSET: where in the anonymous file this run starts)
-- Every mode ends with one line: RESULT <req/s> <p50 ms> <p99 ms> <errors> <requests>

local thread_count = 0

function setup(thread)
  thread:set("thread_id", thread_count)
  thread_count = thread_count + 1
end

local function read_lines(path)
  local lines = {}
  for line in io.lines(path) do
    local fields = {}
    for field in line:gmatch("%S+") do fields[#fields + 1] = field end
    lines[#lines + 1] = fields
  end
  return lines
end

local function encode(text)
  return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  mode = args[1] or "get"
  step = 0
  if mode == "graphql" then
    graphql_body = '{"query":"' .. args[2] .. '"}'
  end
  if mode == "enrol" then
    sessions = read_lines(args[2])
    path = "/courses/" .. args[3] .. "/enrol"
  elseif mode == "login" then
    anonymous = read_lines(args[2])
    users = read_lines(args[3])
    password = args[4]
    -- Each run starts on sessions no earlier run used (Benchmarks/run sets the offset).
    offset = tonumber(os.getenv("LOGIN_OFFSET") or "0")
  end
end

function request()
  step = step + 1
  if mode == "graphql" then
    return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, graphql_body)
  end
  if mode == "enrol" then
    local s = sessions[((step * 2 + thread_id) % #sessions) + 1]
    return wrk.format("POST", path, {
      ["Cookie"] = "lectern_session=" .. s[1],
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }, "_csrf=" .. encode(s[2]))
  elseif mode == "login" then
    -- Each anonymous session is used once: logging in replaces it.
    local index = (offset + step * 2 + thread_id) % #anonymous + 1
    local a = anonymous[index]
    local u = users[index % #users + 1]
    return wrk.format("POST", "/login", {
      ["Cookie"] = "lectern_session=" .. a[1],
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }, "_csrf=" .. encode(a[2]) .. "&email=" .. encode(u[3]) .. "&password=" .. encode(password) .. "&next=%2Fdashboard")
  end
  return wrk.request()
end

function done(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  io.write(string.format("RESULT %.0f %.2f %.2f %d %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors, summary.requests))
end
