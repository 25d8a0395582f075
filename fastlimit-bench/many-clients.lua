-- wrk script: each request comes from one of 10,000 client addresses, named in X-Forwarded-For as a
-- proxy would. One request in five comes from the 100 busiest clients, which reach their limit; the
-- others are spread over all 10,000, which mostly do not.
local clients = 10000
local busy = 100
local counter = 0
local addresses = {}
for i = 0, clients - 1 do
  addresses[i] = string.format("10.%d.%d.%d", math.floor(i / 65536) % 256, math.floor(i / 256) % 256, i % 256)
end

request = function()
  counter = counter + 1
  local client
  if counter % 5 == 0 then
    client = (counter * 7919) % busy
  else
    client = (counter * 7919) % clients -- a multiplicative hash walks every client, out of order
  end
  return wrk.format("GET", nil, { ["X-Forwarded-For"] = addresses[client] })
end
