-- margin.lua: Quarto's margin content. `.column-margin` blocks and `.aside` spans (and float
-- captions that crossref.lua marked for `cap-location: margin`) sit beside the text in HTML;
-- the printed formats have no margin column, so there they become footnotes (captions stay
-- under their float).

local function is(name) return FORMAT:match(name) ~= nil end

local ASIDE_STYLE = "float: right; clear: right; width: 33%; margin: 0 0 1em 1.5em; "
  .. "font-size: 0.875em;"

local function is_margin(el)
  return el.classes:includes("column-margin") or el.classes:includes("aside")
end

function Div(div)
  if not is_margin(div) then return nil end
  local caption = div.classes:includes("quarto-float-caption")
  if is("html") then
    local tag = caption and "div" or "aside"
    local open = "<" .. tag .. ' class="column-margin" style="' .. ASIDE_STYLE .. '">'
    local out = pandoc.Blocks({ pandoc.RawBlock("html", open) })
    out:extend(div.content)
    out:insert(pandoc.RawBlock("html", "</" .. tag .. ">"))
    return out
  end
  if caption then
    div.classes = div.classes:filter(function(c) return c ~= "column-margin" end)
    return div
  end
  return pandoc.Para({ pandoc.Note(div.content) })
end

function Span(span)
  if not is_margin(span) then return nil end
  if is("html") then
    local out = pandoc.Inlines({
      pandoc.RawInline("html", '<span class="column-margin aside" role="note" style="display: block; '
        .. ASIDE_STYLE .. '">'),
    })
    out:extend(span.content)
    out:insert(pandoc.RawInline("html", "</span>"))
    return out
  end
  return pandoc.Note({ pandoc.Plain(span.content) })
end
