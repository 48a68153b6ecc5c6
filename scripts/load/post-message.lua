-- wrk script: customers post messages through the widget API.
-- Usage: wrk -t2 -c16 -d20s --latency -s scripts/load/post-message.lua URL
-- with TANDEM_CONVERSATIONS="id:token,id:token,..." (see scripts/load-run.sh). Each connection
-- writes to its own conversation.
local pairs_env = os.getenv("TANDEM_CONVERSATIONS") or ""
local conversations = {}
for id, token in string.gmatch(pairs_env, "([^:,]+):([^,]+)") do
  table.insert(conversations, { id = id, token = token })
end
local counter = 0

function setup(thread)
  thread:set("offset", counter)
  counter = counter + 1
end

local n = 0
function request()
  n = n + 1
  local c = conversations[((offset * 997 + n) % #conversations) + 1]
  local body = '{"text":"load probe ' .. n .. ' where is my order A1001?"}'
  return wrk.format("POST", "/api/v1/widget/conversations/" .. c.id .. "/messages",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. c.token }, body)
end
