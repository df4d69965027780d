/* qmdbook web site behaviour: sidebar toggle, search, citation and footnote previews, figure
   lightbox, "on this page" highlighting. Plain JavaScript, no network: search is Pagefind's
   local bundle (pagefind/), the only library. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  /* ---------- Sidebar toggle (narrow screens) ---------- */

  function setupSidebar() {
    var button = document.querySelector(".sidebar-toggle");
    var sidebar = document.getElementById("sidebar");
    if (!button || !sidebar) return;
    function set(open) {
      document.body.classList.toggle("sidebar-open", open);
      button.setAttribute("aria-expanded", open ? "true" : "false");
    }
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      set(open);
      if (open) {
        var current = sidebar.querySelector("[aria-current=page]") || sidebar.querySelector("a, input");
        if (current) current.focus();
      }
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && button.getAttribute("aria-expanded") === "true" &&
          getComputedStyle(button).display !== "none" && sidebar.contains(document.activeElement)) {
        set(false);
        button.focus();
      }
    });
  }

  /* ---------- Search (Pagefind) ---------- */

  // The index is Pagefind's bundle in pagefind/, written by the build. It loads as a module on
  // first use; browsers refuse modules from file://, so search needs the site served.
  var pagefind = null;
  var loading = null;

  function loadIndex() {
    if (pagefind) return Promise.resolve(pagefind);
    if (!loading) {
      var base = new URL(".", document.baseURI);
      loading = import(new URL("pagefind/pagefind.js", base).href).then(function (pf) {
        return Promise.resolve(pf.options({ baseUrl: base.pathname })).then(function () {
          pf.init();
          pagefind = pf;
          return pf;
        });
      });
      loading.catch(function () { loading = null; });
    }
    return loading;
  }

  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  var MAX_PAGES = 10, MAX_SECTIONS = 3;

  // One result per matching section: its title, the chapter it is in, and Pagefind's excerpt
  // (escaped text with <mark> around the matched words).
  function hits(data) {
    var out = [];
    data.forEach(function (page) {
      var chapter = (page.meta && page.meta.title) || "";
      var subs = (page.sub_results || []).slice(0, MAX_SECTIONS);
      if (!subs.length) subs = [{ title: chapter, url: page.url, excerpt: page.excerpt }];
      subs.forEach(function (sub) {
        out.push({ title: sub.title || chapter, chapter: chapter, url: sub.url, excerpt: sub.excerpt || "" });
      });
    });
    return out;
  }

  function setupSearch() {
    var input = document.getElementById("search-input");
    var list = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    if (!input || !list || !status) return;
    var timer = null;
    var asked = 0;

    function render() {
      var q = input.value.trim();
      var mine = ++asked;
      if (!q) {
        list.hidden = true;
        list.innerHTML = "";
        status.textContent = "";
        return;
      }
      loadIndex().then(function (pf) {
        return pf.search(q);
      }).then(function (found) {
        var pages = found ? found.results.slice(0, MAX_PAGES) : [];
        return Promise.all(pages.map(function (r) { return r.data(); }));
      }).then(function (data) {
        if (mine !== asked) return;  // a newer query is on its way
        var found = hits(data);
        list.innerHTML = found.map(function (e) {
          var chapter = e.chapter && e.chapter !== e.title
            ? '<span class="result-chapter">' + escapeHtml(e.chapter) + "</span>" : "";
          return '<li><a href="' + escapeHtml(e.url) + '"><span class="result-title">' +
            escapeHtml(e.title) + "</span>" + chapter +
            '<span class="result-snippet">' + e.excerpt + "</span></a></li>";
        }).join("");
        list.hidden = found.length === 0;
        status.textContent = found.length === 0 ? "No results"
          : found.length === 1 ? "1 result" : found.length + " results";
      }).catch(function () {
        if (mine !== asked) return;
        list.hidden = true;
        status.textContent = location.protocol === "file:"
          ? "Search works when the site is served (python3 -m nox -s preview)."
          : "Search is unavailable: its index did not load.";
      });
    }

    input.addEventListener("focus", function () { loadIndex().catch(function () {}); });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(render, 120);
    });

    function links() { return Array.prototype.slice.call(list.querySelectorAll("a")); }

    input.addEventListener("keydown", function (e) {
      var ls = links();
      if (e.key === "ArrowDown" && ls.length) { e.preventDefault(); ls[0].focus(); }
      else if (e.key === "Enter" && ls.length) { e.preventDefault(); ls[0].click(); }
      else if (e.key === "Escape") { input.value = ""; render(); }
    });
    list.addEventListener("keydown", function (e) {
      var ls = links();
      var i = ls.indexOf(document.activeElement);
      if (i < 0) return;
      if (e.key === "ArrowDown") { e.preventDefault(); (ls[i + 1] || ls[i]).focus(); }
      else if (e.key === "ArrowUp") { e.preventDefault(); (i === 0 ? input : ls[i - 1]).focus(); }
      else if (e.key === "Escape") { e.preventDefault(); input.focus(); }
      else if (e.key === "Home") { e.preventDefault(); ls[0].focus(); }
      else if (e.key === "End") { e.preventDefault(); ls[ls.length - 1].focus(); }
    });

    // "/" jumps to search, as on most documentation sites, unless typing somewhere.
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      var toggle = document.querySelector(".sidebar-toggle");
      if (toggle && getComputedStyle(toggle).display !== "none" &&
          toggle.getAttribute("aria-expanded") !== "true") toggle.click();
      e.preventDefault();
      input.focus();
    });
  }

  /* ---------- Citation and footnote previews ---------- */

  function setupTooltips() {
    var refs = {};
    var data = document.getElementById("qmdbook-refs");
    if (data) {
      try { refs = JSON.parse(data.textContent); } catch (err) { refs = {}; }
    }
    var tip = document.createElement("div");
    tip.className = "qb-tooltip";
    tip.id = "qb-tooltip";
    tip.setAttribute("role", "tooltip");
    tip.hidden = true;
    // Inside main, so that its content belongs to a landmark.
    (document.getElementById("main-content") || document.body).appendChild(tip);
    var owner = null;
    var hideTimer = null;

    function show(el, html) {
      clearTimeout(hideTimer);
      tip.innerHTML = html;
      tip.hidden = false;
      owner = el;
      el.setAttribute("aria-describedby", "qb-tooltip");
      var r = el.getBoundingClientRect();
      var w = tip.offsetWidth;
      var left = Math.min(Math.max(8, r.left + window.scrollX), window.scrollX + document.documentElement.clientWidth - w - 8);
      tip.style.left = left + "px";
      var below = r.bottom + window.scrollY + 6;
      if (r.bottom + tip.offsetHeight + 12 > window.innerHeight && r.top > tip.offsetHeight + 12) {
        below = r.top + window.scrollY - tip.offsetHeight - 6;
      }
      tip.style.top = below + "px";
    }
    function hide() {
      tip.hidden = true;
      if (owner) owner.removeAttribute("aria-describedby");
      owner = null;
    }
    function hideSoon() {
      clearTimeout(hideTimer);
      hideTimer = setTimeout(hide, 200);
    }
    // The tooltip stays while the pointer is over it, so its text can be read and selected.
    tip.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
    tip.addEventListener("mouseleave", hideSoon);
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && !tip.hidden) hide();
    });

    function bind(el, content) {
      el.addEventListener("mouseenter", function () { var c = content(); if (c) show(el, c); });
      el.addEventListener("focus", function () { var c = content(); if (c) show(el, c); });
      el.addEventListener("mouseleave", hideSoon);
      el.addEventListener("blur", hide);
    }

    function entry(id) {
      return refs[id] ? '<div class="tooltip-entry">' + refs[id] + "</div>" : "";
    }

    document.querySelectorAll(".citation").forEach(function (cite) {
      var anchors = cite.querySelectorAll('a[href*="#ref-"]');
      if (anchors.length) {
        anchors.forEach(function (a) {
          var id = a.getAttribute("href").split("#")[1];
          bind(a, function () { return entry(id); });
        });
      } else if (cite.dataset.cites) {
        // Citations without links (link-citations off) still preview, reachable by keyboard.
        var ids = cite.dataset.cites.split(/\s+/).map(function (k) { return "ref-" + k; });
        if (!ids.some(function (id) { return refs[id]; })) return;
        cite.tabIndex = 0;
        bind(cite, function () { return ids.map(entry).join(""); });
      }
    });

    document.querySelectorAll("a.footnote-ref").forEach(function (a) {
      var id = (a.getAttribute("href") || "").split("#")[1];
      bind(a, function () {
        var note = id && document.getElementById(id);
        if (!note) return "";
        var copy = note.cloneNode(true);
        copy.querySelectorAll(".footnote-back").forEach(function (b) { b.remove(); });
        copy.querySelectorAll("[id]").forEach(function (n) { n.removeAttribute("id"); });
        return copy.innerHTML;
      });
    });
  }

  /* ---------- Figure lightbox ---------- */

  function setupLightbox() {
    var imgs = document.querySelectorAll("main figure img");
    if (!imgs.length || typeof HTMLDialogElement !== "function") return;
    var dialog = document.createElement("dialog");
    dialog.className = "lightbox";
    dialog.setAttribute("aria-label", "Enlarged figure");
    dialog.innerHTML = '<button type="button" class="lightbox-close">Close</button>' +
      '<img alt=""><p class="lightbox-caption"></p>';
    document.body.appendChild(dialog);
    var big = dialog.querySelector("img");
    var caption = dialog.querySelector(".lightbox-caption");
    var opener = null;

    dialog.querySelector(".lightbox-close").addEventListener("click", function () { dialog.close(); });
    // A click on the backdrop (outside the dialog box) closes it.
    dialog.addEventListener("click", function (e) {
      if (e.target === dialog) {
        var r = dialog.getBoundingClientRect();
        if (e.clientX < r.left || e.clientX > r.right || e.clientY < r.top || e.clientY > r.bottom) dialog.close();
      }
    });
    dialog.addEventListener("close", function () {
      if (opener) opener.focus();
      opener = null;
    });

    imgs.forEach(function (img) {
      if (img.closest("a")) return; // already a link: leave its behaviour alone
      var figure = img.closest("figure");
      var cap = figure && figure.querySelector("figcaption");
      var capText = cap ? cap.textContent.trim() : "";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "figure-zoom";
      button.setAttribute("aria-haspopup", "dialog");
      button.setAttribute("aria-label", "Enlarge figure" + (capText ? ": " + capText : ""));
      img.parentNode.insertBefore(button, img);
      button.appendChild(img);
      button.addEventListener("click", function () {
        opener = button;
        big.src = img.currentSrc || img.src;
        big.alt = img.alt;
        caption.textContent = capText;
        caption.hidden = !capText;
        dialog.showModal();
        dialog.querySelector(".lightbox-close").focus();
      });
    });
  }

  /* ---------- "On this page": mark the section being read ---------- */

  function setupScrollSpy() {
    var links = Array.prototype.slice.call(document.querySelectorAll(".page-toc a[href^='#']"));
    if (!links.length || !("IntersectionObserver" in window)) return;
    var byId = {};
    var targets = [];
    links.forEach(function (a) {
      var el = document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
      if (el) { byId[el.id] = a; targets.push(el); }
    });
    var visible = {};
    var obs = new IntersectionObserver(function (entries) {
      entries.forEach(function (en) { visible[en.target.id] = en.isIntersecting; });
      var first = targets.find(function (t) { return visible[t.id]; });
      if (!first) return;
      links.forEach(function (a) { a.classList.remove("active"); a.removeAttribute("aria-current"); });
      byId[first.id].classList.add("active");
      byId[first.id].setAttribute("aria-current", "location");
    }, { rootMargin: "-60px 0px -55% 0px" });
    targets.forEach(function (t) { obs.observe(t); });
  }

  /* ---------- Section links beside headings ---------- */

  function setupAnchors() {
    document.querySelectorAll("main h2[id], main h3[id], main h4[id]").forEach(function (h) {
      if (h.closest(".callout")) return;
      var a = document.createElement("a");
      a.className = "anchor-link";
      a.href = "#" + encodeURIComponent(h.id);
      a.setAttribute("aria-label", "Link to this section: " + h.textContent.trim());
      a.textContent = "#";
      h.appendChild(a);
    });
  }

  ready(function () {
    setupAnchors();
    setupSidebar();
    setupSearch();
    setupTooltips();
    setupLightbox();
    setupScrollSpy();
  });
})();
