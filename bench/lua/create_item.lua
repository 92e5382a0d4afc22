-- Adds items to next year's draft meetings, one meeting after another (an agenda holds at most
-- 1000 items). Expects MEETINGS (comma-separated ids) and TOKEN in the environment.
local meetings = {}
for id in string.gmatch(os.getenv("MEETINGS"), "%d+") do table.insert(meetings, id) end
local token = os.getenv("TOKEN")
local n = 0
local body = '{"title":"Orientering om budgetopfølgning","case_type":"information","summary":"Administrationen orienterer om budgetopfølgningen pr. 30. september. Der forventes et mindreforbrug på driften, som primært skyldes forsinkede ansættelser.","recommendation":"Administrationen indstiller, at orienteringen tages til efterretning."}'

request = function()
  n = n + 1
  local meeting = meetings[(math.floor(n / 200) % #meetings) + 1]
  return wrk.format("POST", "/v1/meetings/" .. meeting .. "/items", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end
