-- tabset.lua: `::: {.panel-tabset}` split at its first heading level into tabs. HTML gets
-- accessible tabs (WAI-ARIA tablist/tab/tabpanel, arrow keys; every panel stays visible
-- without JavaScript); PDF and DOCX show the tabs one after another, each title as a bold
-- lead-in rather than a heading, so tabs are neither numbered nor in the contents.
-- Runs before crossref.lua: the tab headings never become sections.

package.path = pandoc.path.directory(PANDOC_SCRIPT_FILE) .. "/?.lua;" .. package.path
local targets = require("targets")

-- Set from the metadata before the walk: the engine never shares a pass between HTML and print.
local for_html, for_docx = false, false

local SCRIPT = [[
<script>
(function () {
  if (window.qmdbookTabsets) return;
  window.qmdbookTabsets = true;
  function select(tab) {
    var list = tab.closest('[role="tablist"]');
    list.querySelectorAll('[role="tab"]').forEach(function (t) {
      var on = t === tab;
      t.setAttribute('aria-selected', on ? 'true' : 'false');
      t.tabIndex = on ? 0 : -1;
      document.getElementById(t.getAttribute('aria-controls')).hidden = !on;
    });
  }
  function init() {
    document.querySelectorAll('.panel-tabset [role="tablist"]').forEach(function (list) {
      var tabs = Array.prototype.slice.call(list.querySelectorAll('[role="tab"]'));
      tabs.forEach(function (tab, i) {
        tab.addEventListener('click', function () { select(tab); });
        tab.addEventListener('keydown', function (e) {
          var k = { ArrowRight: 1, ArrowLeft: -1, Home: -i, End: tabs.length - 1 - i }[e.key];
          if (k === undefined) return;
          e.preventDefault();
          var next = tabs[(i + k + tabs.length) % tabs.length];
          select(next); next.focus();
        });
      });
      select(tabs[0]);
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
</script>]]

local count = 0

local function html_escape(s)
  return (s:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"):gsub('"', "&quot;"))
end

local function split(div)
  local level = nil
  for _, b in ipairs(div.content) do
    if b.t == "Header" then level = level and math.min(level, b.level) or b.level end
  end
  if not level then return nil end
  local tabs, lead = {}, pandoc.Blocks({})
  for _, b in ipairs(div.content) do
    if b.t == "Header" and b.level == level then
      tabs[#tabs + 1] = { title = b.content, blocks = pandoc.Blocks({}) }
    elseif #tabs > 0 then
      tabs[#tabs].blocks:insert(b)
    else
      lead:insert(b)
    end
  end
  return tabs, lead
end

local function html(div, tabs)
  count = count + 1
  local base = div.identifier ~= "" and div.identifier or ("tabset-" .. count)
  local label = div.attributes["group"] or "Tabs"
  local buttons = { '<div role="tablist" aria-label="' .. html_escape(label) .. '">' }
  for i, tab in ipairs(tabs) do
    local id = base .. "-" .. i
    buttons[#buttons + 1] = '<button type="button" role="tab" id="' .. id .. '-tab" aria-controls="'
      .. id .. '" aria-selected="' .. (i == 1 and "true" or "false") .. '" tabindex="'
      .. (i == 1 and "0" or "-1") .. '">' .. html_escape(pandoc.utils.stringify(tab.title)) .. "</button>"
  end
  buttons[#buttons + 1] = "</div>"
  local out = pandoc.Blocks({ pandoc.RawBlock("html", table.concat(buttons, "\n")) })
  for i, tab in ipairs(tabs) do
    local id = base .. "-" .. i
    out:insert(pandoc.Div(tab.blocks, pandoc.Attr(id, { "tab-pane" },
      { { "role", "tabpanel" }, { "aria-labelledby", id .. "-tab" }, { "tabindex", "0" } })))
  end
  out:insert(pandoc.RawBlock("html", SCRIPT))
  return pandoc.Div(out, pandoc.Attr(div.identifier, { "panel-tabset" }))
end

local function sequential(div, tabs, lead)
  local out = pandoc.Blocks(lead)
  for _, tab in ipairs(tabs) do
    local attrs = for_docx and { ["custom-style"] = "Tab Title" } or {}
    out:insert(pandoc.Div({ pandoc.Para({ pandoc.Strong(tab.title) }) }, pandoc.Attr("", { "tab-title" }, attrs)))
    out:extend(tab.blocks)
  end
  return pandoc.Div(out, pandoc.Attr(div.identifier, { "panel-tabset" }))
end

local function tabset(div)
  if not div.classes:includes("panel-tabset") then return nil end
  local tabs, lead = split(div)
  if not tabs then return nil end
  if for_html then
    local out = html(div, tabs)
    if #lead > 0 then out.content = lead .. out.content end
    return out
  end
  return sequential(div, tabs, lead)
end

function Pandoc(doc)
  local list = targets.list(doc.meta)
  for_html, for_docx = targets.any(list, "html"), targets.any(list, "^docx$")
  return doc:walk({ Div = tabset })
end
