-- format.lua: turn the engine's neutral markup into what each output format needs.
-- The exact contract with the HTML/PDF/DOCX builders is in README.md beside this file.

local TITLES = {
  note = "Note", tip = "Tip", important = "Important", warning = "Warning", caution = "Caution",
}

local function is_typst() return FORMAT:match("typst") ~= nil end
local function is_html() return FORMAT:match("html") ~= nil end
local function is_docx() return FORMAT:match("docx") ~= nil end

local function callout_kind(div)
  for _, class in ipairs(div.classes) do
    local kind = class:match("^callout%-(%a+)$")
    if kind and TITLES[kind] then return kind end
  end
  return nil
end

local function typst_inlines(inlines)
  local out = pandoc.write(pandoc.Pandoc({ pandoc.Plain(inlines) }), "typst")
  return (out:gsub("%s+$", ""))
end

local function callout(div, kind)
  local title = pandoc.Inlines({ pandoc.Str(TITLES[kind]) })
  local body = div.content
  local first = body[1]
  if first and first.t == "Div" and first.classes:includes("callout-title") then
    title = pandoc.utils.blocks_to_inlines(first.content)
    body = pandoc.Blocks({ table.unpack(body, 2) })
  end
  if is_typst() then
    local blocks = pandoc.Blocks({
      pandoc.RawBlock("typst", '#callout("' .. kind .. '", [' .. typst_inlines(title) .. "])["),
    })
    blocks:extend(body)
    blocks:insert(pandoc.RawBlock("typst", "]"))
    return blocks
  end
  if is_html() then
    local header = pandoc.Div({ pandoc.Plain(title) }, pandoc.Attr("", { "callout-title" }))
    local content = pandoc.Div(body, pandoc.Attr("", { "callout-body" }))
    return pandoc.Div({ header, content }, pandoc.Attr(div.identifier,
      { "callout", "callout-" .. kind }, { role = "note", ["data-callout"] = kind }))
  end
  local blocks = pandoc.Blocks({ pandoc.Para({ pandoc.Strong(title) }) })
  blocks:extend(body)
  local attrs = {}
  if is_docx() then attrs["custom-style"] = "Callout " .. TITLES[kind] end
  return pandoc.Div(blocks, pandoc.Attr(div.identifier, { "callout", "callout-" .. kind }, attrs))
end

local function part(div)
  local title = pandoc.utils.blocks_to_inlines(div.content)
  if is_html() then
    return {}  -- the HTML sidebar shows parts, from BookMeta.chapters
  end
  if is_typst() then
    return pandoc.RawBlock("typst", "#book-part[" .. typst_inlines(title) .. "]")
  end
  local attrs = is_docx() and { ["custom-style"] = "Part Title" } or {}
  return pandoc.Div({ pandoc.Para(title) }, pandoc.Attr("", { "book-part" }, attrs))
end

local function code_fold(div)
  if not is_html() then return div.content end
  local summary = div.attributes["summary"] or "Code"
  local blocks = pandoc.Blocks({
    pandoc.RawBlock("html", '<details class="code-fold"><summary>' .. summary .. "</summary>"),
  })
  blocks:extend(div.content)
  blocks:insert(pandoc.RawBlock("html", "</details>"))
  return blocks
end

function Div(div)
  local kind = callout_kind(div)
  if kind then return callout(div, kind) end
  if div.classes:includes("book-part") then return part(div) end
  if div.classes:includes("code-fold") then return code_fold(div) end
  return nil
end

local function typst_string(s)
  return '"' .. s:gsub("\\", "\\\\"):gsub('"', '\\"') .. '"'
end

-- Figures the engine writes have no extension: PNG for raster formats, SVG for Typst.
-- Typst gets its image as raw code because pandoc's writer drops the alt text, which PDF/UA
-- requires (pandoc keeps the alt text in the image's description).
function Image(img)
  local base = img.src:match("([^/]*)$")
  if not (img.src:match("^%a+:") or base:match("%.[%w]+$")) then
    img.src = img.src .. (is_typst() and ".svg" or ".png")
  end
  if not is_typst() then return img end
  local args = typst_string(img.src)
  local alt = pandoc.utils.stringify(img.caption)
  if alt ~= "" then args = args .. ", alt: " .. typst_string(alt) end
  for _, dim in ipairs({ "width", "height" }) do
    local v = img.attributes[dim]
    if v and v:match("^[%d.]+%a*%%?$") then
      if v:match("^[%d.]+$") then v = v .. "pt" end
      if v:match("px$") then v = v:gsub("px$", "pt") end
      args = args .. ", " .. dim .. ": " .. v
    end
  end
  return pandoc.RawInline("typst", "#box(image(" .. args .. "))")
end

return { { Div = Div, Image = Image } }
