-- normalise.lua: shape the document before numbering.
-- * A callout's leading heading (or its title="..." attribute) becomes a `.callout-title` Div,
--   so it is neither numbered nor listed in the table of contents (ENGINE-NOTES trap 5).
-- * A Figure or Table carrying a fig-/tbl- id moves that id to a wrapping Div, because
--   chunkedhtml only maps Div and Header ids to pages (trap 1). A `fig-pos` written on the
--   image goes with the id, where a cell's or a div float's fig-pos already is.

local CALLOUTS = { note = true, tip = true, important = true, warning = true, caution = true }

local function callout_kind(div)
  for _, class in ipairs(div.classes) do
    local kind = class:match("^callout%-(%a+)$")
    if kind and CALLOUTS[kind] then return kind end
  end
  return nil
end

local function title_div(inlines)
  return pandoc.Div({ pandoc.Plain(inlines) }, pandoc.Attr("", { "callout-title" }))
end

local function wrap_labelled(el, prefix)
  local id = el.identifier
  if id == nil or not id:match("^" .. prefix .. "%-") then return nil end
  el.identifier = ""
  local attributes = {}
  local function take_pos(attrs)
    if attrs["fig-pos"] then
      attributes["fig-pos"] = attrs["fig-pos"]
      attrs["fig-pos"] = nil
    end
  end
  take_pos(el.attributes)
  if el.t == "Figure" then
    el.content = el.content:walk({ Image = function(img) take_pos(img.attributes); return img end })
  end
  return pandoc.Div({ el }, pandoc.Attr(id, { "quarto-float" }, attributes))
end

function Div(div)
  local kind = callout_kind(div)
  if kind then
    local first = div.content[1]
    if first and first.t == "Div" and first.classes:includes("callout-title") then
      return nil
    end
    local title = div.attributes["title"]
    if first and first.t == "Header" then
      div.content:remove(1)
      div.content:insert(1, title_div(first.content))
    elseif title and title ~= "" then
      local parsed = pandoc.read(title, "markdown").blocks
      local inlines = parsed[1] and parsed[1].content or pandoc.Inlines(title)
      div.content:insert(1, title_div(inlines))
    end
    div.attributes["title"] = nil
    return div
  end
  return nil
end

function Figure(fig)
  return wrap_labelled(fig, "fig")
end

function Table(tbl)
  return wrap_labelled(tbl, "tbl")
end

return {
  { Div = Div },
  { Figure = Figure, Table = Table },
}
