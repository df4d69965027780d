-- kbd.lua: the `{{< kbd >}}` shortcode (a `.kbd` Span): <kbd> in HTML, code text elsewhere.

function Span(span)
  if not span.classes:includes("kbd") then return nil end
  local keys = pandoc.utils.stringify(span.content)
  if FORMAT:match("html") then
    return pandoc.RawInline("html", "<kbd>" .. keys:gsub("&", "&amp;"):gsub("<", "&lt;") .. "</kbd>")
  end
  return pandoc.Code(keys)
end
