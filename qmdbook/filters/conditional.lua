-- conditional.lua: Quarto's conditional content. `.content-visible` / `.content-hidden` Divs and
-- Spans with `when-format` / `unless-format` (and `when-meta` / `unless-meta`, a metadata
-- flag) are kept or dropped for the format being written. "pdf" means this engine's PDF (Typst).
-- Runs first, so hidden content is neither numbered nor cited.
-- In a pass shared by several formats (`qmdbook-targets`) the first format's choice is applied,
-- and each format's choices are written to the `qmdbook-views` file, so the engine can see
-- whether the formats really share one view and re-run the pass for any that does not.
package.path = pandoc.path.directory(PANDOC_SCRIPT_FILE) .. "/?.lua;" .. package.path
local diag = require("diag")
local targets = require("targets")

local ALIASES = {
  html = { "html", "html4", "html5", "chunkedhtml" },
  ["html:js"] = { "html", "html4", "html5", "chunkedhtml" },
  pdf = { "typst", "pdf", "latex" },
  typst = { "typst" },
  latex = { "latex" },
  docx = { "docx" },
  ms = { "docx" },  -- Quarto's alias for Microsoft Office formats
  markdown = { "markdown", "gfm", "commonmark" },
}
local SUPPORTED = { ["when-format"] = true, ["unless-format"] = true, ["when-meta"] = true,
  ["unless-meta"] = true }

local meta = nil
local source = ""

local function matches(name, target)
  local base = target:match("^[%w]+")
  for _, f in ipairs(ALIASES[name] or { name }) do
    if f == base then return true end
  end
  return false
end

local function meta_flag(key)
  local value = meta
  if meta["qmdbook-flags"] and meta["qmdbook-flags"][key] ~= nil then
    value = meta["qmdbook-flags"]
  end
  for part in key:gmatch("[^.]+") do
    if type(value) ~= "table" then return false end
    value = value[part]
  end
  return value == true or (value ~= nil and value ~= false and pandoc.utils.stringify(value) == "true")
end

local function visible(el, target)
  local a = el.attributes
  local show = true
  if a["when-format"] and not matches(a["when-format"], target) then show = false end
  if a["unless-format"] and matches(a["unless-format"], target) then show = false end
  if a["when-meta"] and not meta_flag(a["when-meta"]) then show = false end
  if a["unless-meta"] and meta_flag(a["unless-meta"]) then show = false end
  if el.classes:includes("content-hidden") then
    local any = a["when-format"] or a["unless-format"] or a["when-meta"] or a["unless-meta"]
    return not (any == nil or show)
  end
  return show
end

local list = {}
local choices = {}  -- per target, "1"/"0" for each conditional element in document order

local function conditional(el)
  if not (el.classes:includes("content-visible") or el.classes:includes("content-hidden")) then
    return nil
  end
  for key, _ in pairs(el.attributes) do
    if (key:match("^when%-") or key:match("^unless%-")) and not SUPPORTED[key] then
      diag.report(meta, "option", source, key, "conditional content: '" .. key .. "' is not supported by qmdbook")
    end
  end
  for i, target in ipairs(list) do
    choices[i][#choices[i] + 1] = visible(el, target) and "1" or "0"
  end
  if visible(el, list[1]) then return el.content end
  return {}
end

local function write_views()
  local path = meta["qmdbook-views"]
  if not path then return end
  local f = io.open(pandoc.utils.stringify(path), "w")
  if not f then return end
  for i, target in ipairs(list) do
    f:write(target .. "\t" .. table.concat(choices[i]) .. "\n")
  end
  f:close()
end

function Pandoc(doc)
  meta = doc.meta
  list = targets.list(doc.meta)
  for i, _ in ipairs(list) do choices[i] = {} end
  local sources = diag.chapter_sources(doc.meta)
  local out = pandoc.Blocks({})
  for _, b in ipairs(doc.blocks) do
    if b.t == "Header" and b.level == 1 then source = sources[b.identifier] or "" end
    out:extend(pandoc.Blocks({ b }):walk({ Div = conditional, Span = conditional }))
  end
  doc.blocks = out
  write_views()
  return doc
end
