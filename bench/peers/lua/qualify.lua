-- qualify.lua: the BANT rule of `bant-qualifier`, in Lua 5.4, answering
-- word for word as the component does. `qualify(input)` takes
--   input.lead        {email, domain, budget, authority, need, timeline_days, created_at}
--   input.activities  array of {kind, at}
--   input.config      the org's config, by the org's names
--   input.now         milliseconds since the Unix epoch (as every time)
-- and returns {stage, score, segment, track, reasons}. It never changes
-- its input, so the harness may pass the same table to every call.

local DAY_MS = 86400000
local BEHAVIOUR_CAP = 30

-- A number as Rust prints an f64: whole numbers without a fraction, others
-- in the shortest form that reads back the same.
local function num(n)
  if math.type(n) == "integer" then return tostring(n) end
  if n == math.floor(n) and math.abs(n) < 2^53 then
    return string.format("%d", math.tointeger(n))
  end
  for digits = 15, 17 do
    local text = string.format("%." .. digits .. "g", n)
    if tonumber(text) == n then return text end
  end
  return tostring(n)
end

local function trim(text) return text:match("^%s*(.-)%s*$") end

local function ends_with(text, suffix) return text:sub(-#suffix) == suffix end

-- A non-negative number from the config, `default` when absent.
local function setting(config, key, default)
  local value = config[key]
  if value == nil then
    value = default
  elseif type(value) == "string" then
    value = tonumber(trim(value)) or error("config `" .. key .. "`: expected a number")
  elseif type(value) ~= "number" then
    error("config `" .. key .. "`: expected a number")
  end
  if value ~= value or value == math.huge or value < 0 then
    error("config `" .. key .. "` = " .. num(value) .. ": expected a non-negative number")
  end
  return value
end

-- A comma list from the config, trimmed and lower-cased, empty items dropped.
local function list(config, key, default)
  local text = config[key]
  if text == nil then return default end
  if type(text) ~= "string" then return {} end
  local items = {}
  for item in text:gmatch("[^,]+") do
    item = trim(item):lower()
    if item ~= "" then items[#items + 1] = item end
  end
  return items
end

-- Points for one activity: more for what takes more intent.
local POINTS = {
  ["page-visit"] = 1, ["email-open"] = 1, ["email-click"] = 2,
  download = 5, form = 5, answer = 5,
  webinar = 8, ["email-reply"] = 8, call = 10, meeting = 15,
}

local AUTHORITY = {
  ["decision-maker"] = { true, 25, "contact is a decision-maker" },
  influencer = { true, 15, "contact is an influencer" },
  user = { false, 5, "contact is a user without buying authority" },
  none = { false, 0, "contact is without a part in the purchase" },
}

local NEED = {
  high = { true, 25, "need is high" },
  medium = { true, 15, "need is medium" },
  low = { false, 5, "need is low" },
  none = { false, 0, "need is none" },
}

local function discard(reason)
  return { stage = "discard", score = 0, reasons = { reason } }
end

function qualify(input)
  local lead, config, now = input.lead, input.config, input.now
  local min_budget = setting(config, "min-budget", 10000.0)
  local max_timeline = setting(config, "max-timeline-days", 90.0)
  local ready_score = math.floor(setting(config, "sales-ready-score", 70.0))
  local required = setting(config, "required-criteria", 3.0)
  if required > 4 or required ~= math.floor(required) then
    error("config `required-criteria` = " .. num(required) .. ": expected a whole number from 0 to 4")
  end
  local inactive_days = setting(config, "inactive-days", 180.0)
  local window_days = setting(config, "behaviour-window-days", 90.0)

  -- 1. Discard on the agreed criteria, in this order.
  local domain = lead.domain or lead.email:match("@([^@]*)$") or ""
  domain = trim(domain:lower())
  for _, competitor in ipairs(list(config, "competitor-domains", {})) do
    if domain == competitor or ends_with(domain, "." .. competitor) then
      return discard("discard: " .. domain .. " belongs to competitor " .. competitor)
    end
  end
  for _, suffix in ipairs(list(config, "discard-domain-suffixes", { ".edu", ".ac.uk" })) do
    if ends_with(domain, suffix) then
      return discard("discard: " .. domain .. " is an academic or student domain (" .. suffix .. ")")
    end
  end
  if lead.need == "none" then return discard("discard: the contact has no need") end
  local last = lead.created_at
  for _, activity in ipairs(input.activities) do
    if activity.at > last then last = activity.at end
  end
  local idle = (now - last) / DAY_MS
  if idle > inactive_days then
    return discard("discard: no activity for " .. num(math.floor(idle)) .. " days (limit "
      .. num(inactive_days) .. ")")
  end

  -- 2. Each BANT criterion: {met, points, reason}.
  local budget
  if lead.budget == nil then
    budget = { false, 0, "budget unknown" }
  elseif lead.budget >= min_budget then
    budget = { true, 25, "budget " .. num(lead.budget) .. " meets the minimum " .. num(min_budget) }
  else
    budget = { false, 0, "budget " .. num(lead.budget) .. " is below the minimum " .. num(min_budget) }
  end
  local authority = AUTHORITY[lead.authority] or { false, 0, "authority unknown" }
  local need = NEED[lead.need] or { false, 0, "need unknown" }
  local timeline
  local days = lead.timeline_days
  if days == nil then
    timeline = { false, 0, "timeline unknown" }
  elseif days <= max_timeline then
    timeline = { true, 15, "buying in " .. num(days) .. " days, within " .. num(max_timeline) }
  else
    timeline = { false, 0, "buying in " .. num(days) .. " days, later than " .. num(max_timeline) }
  end

  -- Behaviour: recent activity, capped.
  local since = now - math.floor(window_days * DAY_MS)
  local raw, counted = 0, 0
  for _, activity in ipairs(input.activities) do
    if activity.at >= since and activity.at <= now then
      raw = raw + (POINTS[activity.kind] or 0)
      counted = counted + 1
    end
  end
  local behaviour = math.min(raw, BEHAVIOUR_CAP)
  local capped = raw > BEHAVIOUR_CAP and (" (capped from " .. raw .. ")") or ""
  local behaviour_reason = "behaviour " .. behaviour .. " points from " .. counted
    .. " activities in the last " .. num(window_days) .. " days" .. capped

  local criteria = { budget, authority, need, timeline }
  local met, points = 0, 0
  for _, criterion in ipairs(criteria) do
    if criterion[1] then met = met + 1 end
    points = points + criterion[2]
  end
  local score = math.min(points + behaviour, 100)

  -- 3. Sales-ready, or 4. nurture on the track that fits.
  local verdict
  if score >= ready_score and met >= required then
    verdict = { stage = "sales-ready", score = score, reasons = {
      "sales-ready: score " .. score .. " of " .. ready_score .. " needed, " .. met
        .. " of 4 BANT criteria met" } }
  else
    local segment, track, why = "early-interest", "education", "early interest"
    if budget[1] and not timeline[1] then
      segment, track, why = "budget-no-timing", "trial-incentive", "has budget but not the timing"
    elseif not authority[1] and (need[1] or behaviour >= 10) then
      segment, track, why = "researching-no-authority", "find-decision-maker",
        "researching without buying authority"
    end
    verdict = { stage = "nurture", score = score, segment = segment, track = track, reasons = {
      "nurture: " .. why .. "; score " .. score .. ", " .. met .. " of 4 BANT criteria met" } }
  end
  for _, criterion in ipairs(criteria) do
    verdict.reasons[#verdict.reasons + 1] = criterion[3]
  end
  verdict.reasons[#verdict.reasons + 1] = behaviour_reason
  return verdict
end
