-- The DOCX title block comes from the book's metadata (qb-* keys set by qmdbook/docx.py), not
-- from whatever title the chapters or the core's metadata carry: a second -M title would turn
-- the title into a list instead of replacing it.

local function as_list(value)
  if value == nil then return {} end
  if pandoc.utils.type(value) == "List" then return value end
  return { value }
end

function Meta(meta)
  local keys = { "title", "subtitle", "date", "lang" }
  for _, key in ipairs(keys) do
    local value = meta["qb-" .. key]
    if value ~= nil and pandoc.utils.stringify(value) ~= "" then
      meta[key] = value
    elseif key ~= "lang" then
      meta[key] = nil
    end
    meta["qb-" .. key] = nil
  end
  local authors = as_list(meta["qb-author"])
  meta.author = #authors > 0 and pandoc.MetaList(authors) or nil
  meta["qb-author"] = nil
  return meta
end
