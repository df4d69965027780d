-- video.lua: the `{{< video >}}` shortcode (a `.qmdbook-video` Div carrying src, title, width,
-- height, start, aspect-ratio). HTML embeds it (YouTube and Vimeo as players, other sources as a
-- <video> element); PDF and DOCX cannot play video, so they link to it.

local function is(name) return FORMAT:match(name) ~= nil end

local function escape(s)
  return (s:gsub("&", "&amp;"):gsub('"', "&quot;"):gsub("<", "&lt;"))
end

local function player(src, start)
  local yt = src:match("youtube%.com/watch%?v=([%w_-]+)") or src:match("youtu%.be/([%w_-]+)")
    or src:match("youtube%.com/embed/([%w_-]+)")
  if yt then
    return "https://www.youtube.com/embed/" .. yt .. (start and ("?start=" .. start) or "")
  end
  local vimeo = src:match("vimeo%.com/(%d+)")
  if vimeo then
    return "https://player.vimeo.com/video/" .. vimeo .. (start and ("#t=" .. start .. "s") or "")
  end
  return nil
end

local function html(attrs)
  local src, title = attrs.src, attrs.title or "Video"
  local size = ""
  if attrs.width then size = size .. ' width="' .. escape(attrs.width) .. '"' end
  if attrs.height then size = size .. ' height="' .. escape(attrs.height) .. '"' end
  local style = ""
  if attrs["aspect-ratio"] then
    style = ' style="aspect-ratio: ' .. escape((attrs["aspect-ratio"]:gsub("x", " / "))) .. '"'
  end
  local embed = player(src, attrs.start)
  local inner
  if embed then
    inner = '<iframe src="' .. escape(embed) .. '" title="' .. escape(title) .. '"' .. size
      .. ' frameborder="0" allow="fullscreen; picture-in-picture" allowfullscreen></iframe>'
  else
    local at = attrs.start and ("#t=" .. attrs.start) or ""
    inner = '<video controls preload="metadata" src="' .. escape(src .. at) .. '" title="'
      .. escape(title) .. '"' .. size .. '><a href="' .. escape(src) .. '">' .. escape(title)
      .. "</a></video>"
  end
  return pandoc.RawBlock("html", '<div class="quarto-video"' .. style .. ">" .. inner .. "</div>")
end

function Div(div)
  if not div.classes:includes("qmdbook-video") then return nil end
  local attrs = {}
  for k, v in pairs(div.attributes) do attrs[k] = v end
  if is("html") then return html(attrs) end
  local text = attrs.title or attrs.src
  return pandoc.Para({ pandoc.Str("Video:"), pandoc.Space(), pandoc.Link(text, attrs.src) })
end
