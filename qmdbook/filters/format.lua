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

-- Callout options Quarto documents beyond the title: how it looks and whether it folds.
local CALLOUT_OPTIONS = { collapse = true, appearance = true, icon = true }

local function callout_options(div)
  local o = {}
  for key, value in pairs(div.attributes) do
    if CALLOUT_OPTIONS[key] then o[key] = value end
  end
  for key, _ in pairs(CALLOUT_OPTIONS) do div.attributes[key] = nil end
  return o
end

local function callout(div, kind)
  local options = callout_options(div)
  local appearance = options.appearance or "default"
  local title = pandoc.Inlines({ pandoc.Str(TITLES[kind]) })
  local explicit = pandoc.Inlines({})
  local body = div.content
  local first = body[1]
  if first and first.t == "Div" and first.classes:includes("callout-title") then
    title = pandoc.utils.blocks_to_inlines(first.content)
    explicit = title
    body = pandoc.Blocks({ table.unpack(body, 2) })
  end
  -- A callout with a cross-reference id is numbered ("Tip 2.1"): that label replaces the kind's.
  local numbered = div.attributes["crossref-label"]
  div.attributes["crossref-label"] = nil
  if numbered then
    title = pandoc.Inlines({ pandoc.Str(numbered) })
    if #explicit > 0 then title = title .. pandoc.Inlines({ pandoc.Str(":"), pandoc.Space() }) .. explicit end
  end
  if is_typst() then
    -- The template's callout() prints the kind's label (or the numbered one), then ": title".
    local label = numbered and (', label: [' .. typst_inlines(pandoc.Inlines({ pandoc.Str(numbered) })) .. ']') or ""
    local look = appearance ~= "default" and (', appearance: "' .. appearance .. '"') or ""
    local blocks = pandoc.Blocks({
      pandoc.RawBlock("typst",
        '#callout(kind: "' .. kind .. '"' .. label .. look .. ', title: ['
          .. typst_inlines(explicit) .. "])["),
    })
    blocks:extend(body)
    -- The label after the call lets links (numbered callouts) reach the callout.
    local label_ref = div.identifier ~= "" and (" <" .. div.identifier .. ">") or ""
    blocks:insert(pandoc.RawBlock("typst", "]" .. label_ref))
    return blocks
  end
  if is_html() then
    local classes = { "callout", "callout-" .. kind }
    if appearance ~= "default" then classes[#classes + 1] = "callout-appearance-" .. appearance end
    if options.icon == "false" then classes[#classes + 1] = "no-icon" end
    local attrs = { { "role", "note" }, { "data-callout", kind } }
    local content = pandoc.Div(body, pandoc.Attr("", { "callout-body" }))
    if options.collapse == "true" or options.collapse == "false" then
      -- A folding callout is a disclosure widget: its title is the summary, open unless collapsed.
      local open = options.collapse == "false" and " open" or ""
      local summary = pandoc.write(pandoc.Pandoc({ pandoc.Plain(title) }), "html"):gsub("%s+$", "")
      return pandoc.Div({
        pandoc.RawBlock("html", "<details" .. open .. '><summary class="callout-title">' .. summary .. "</summary>"),
        content,
        pandoc.RawBlock("html", "</details>"),
      }, pandoc.Attr(div.identifier, classes, attrs))
    end
    local header = pandoc.Div({ pandoc.Plain(title) }, pandoc.Attr("", { "callout-title" }))
    return pandoc.Div({ header, content }, pandoc.Attr(div.identifier, classes, attrs))
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
    return pandoc.RawBlock("typst", "#part-page[" .. typst_inlines(title) .. "]")
  end
  local attrs = is_docx() and { ["custom-style"] = "Part Title" } or {}
  return pandoc.Div({ pandoc.Para(title) }, pandoc.Attr("", { "book-part" }, attrs))
end

-- A part file's text: after the part's title page in print; on the site, a page of its own
-- opened by the part's title (an unnumbered level-1 heading, so chunkedhtml splits there), which
-- the sidebar links from the part's name, as Quarto does.
local function part_body(div)
  if not is_html() then return div.content end
  local title = pandoc.read(div.attributes["part-title"] or "", "markdown").blocks
  local inlines = #title > 0 and title[1].content or pandoc.Inlines({})
  local blocks = pandoc.Blocks({
    pandoc.Header(1, inlines, pandoc.Attr(div.identifier, { "unnumbered", "book-part-page" })),
  })
  blocks:extend(div.content)
  return blocks
end

local function code_fold(div)
  if not is_html() then return div.content end
  local summary = (div.attributes["summary"] or "Code"):gsub("&", "&amp;"):gsub("<", "&lt;")
  local open = div.attributes["open"] and " open" or ""
  local blocks = pandoc.Blocks({
    pandoc.RawBlock("html", '<details class="code-fold"' .. open .. "><summary>" .. summary .. "</summary>"),
  })
  blocks:extend(div.content)
  blocks:insert(pandoc.RawBlock("html", "</details>"))
  return blocks
end

function Div(div)
  local kind = callout_kind(div)
  if kind then return callout(div, kind) end
  if div.classes:includes("book-part") then return part(div) end
  if div.classes:includes("book-part-body") then return part_body(div) end
  if div.classes:includes("code-fold") then return code_fold(div) end
  return nil
end

-- Figures the engine writes have no extension: PNG for HTML and DOCX, SVG for Typst. Typst's
-- own image rewriting (alt text, absolute paths) is the PDF builder's filter, which runs later.
function Image(img)
  local base = img.src:match("([^/]*)$")
  if img.src:match("^%a[%w+.-]*:") or base:match("%.[%w]+$") then return nil end
  img.src = img.src .. (is_typst() and ".svg" or ".png")
  return img
end

return { { Div = Div, Image = Image } }
