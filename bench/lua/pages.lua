-- Lists a committee's meetings page by page: follows next_cursor to the last page, then starts over.
-- Expects PATH (the first page) and TOKEN in the environment.
local first = os.getenv("PATH_FIRST")
local token = os.getenv("TOKEN")
local next_path = first

request = function()
  return wrk.format("GET", next_path, { ["Authorization"] = "Bearer " .. token })
end

response = function(status, headers, body)
  local cursor = body:match('"next_cursor":"([^"]+)"')
  if status == 200 and cursor then
    next_path = first .. "&cursor=" .. cursor
  else
    next_path = first
  end
end
