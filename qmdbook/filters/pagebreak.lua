-- pagebreak.lua: the `{{< pagebreak >}}` shortcode (a `.qmdbook-pagebreak` Div) as each format's
-- page break: a CSS break for printed HTML, Typst's pagebreak, a Word page break.

local function is(name) return FORMAT:match(name) ~= nil end

function Div(div)
  if not div.classes:includes("qmdbook-pagebreak") then return nil end
  if is("html") then
    return pandoc.RawBlock("html", '<div class="page-break" style="page-break-after: always;"></div>')
  elseif is("typst") then
    return pandoc.RawBlock("typst", "#pagebreak(weak: true)")
  elseif is("docx") then
    return pandoc.RawBlock("openxml", '<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
  end
  return {}
end
