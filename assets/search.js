// kb search page: results as you type, facet filters without reloading,
// keyboard navigation and a live region announcing the count. The page
// works without it: kb host and kb serve render the same results on the
// server. Opened from disk, the page only shows its notice.
(function () {
  "use strict";
  var region = document.getElementById("search-results");
  var input = document.getElementById("search-q");
  if (!region || !input || !region.querySelector("[data-kb-search]")) {
    return; // no server behind the page: nothing to enhance
  }
  var api = region.getAttribute("data-api");
  var root = region.getAttribute("data-root") || "";
  var form = input.form;
  var params = new URLSearchParams(location.search);
  var filters = { role: params.get("role") || "", chapter: params.get("chapter") || "", level: params.get("level") || "" };
  var phone = window.matchMedia("(max-width: 48rem)");
  var facetsOpened = false;
  var served = region.querySelector("details.search-facets");
  if (served && phone.matches) served.open = false;
  var timer = 0;
  var seq = 0;

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // marked copies HTML from the API that holds only text and <mark>,
  // keeping nothing else even if it were there.
  function marked(html) {
    var t = document.createElement("template");
    t.innerHTML = html;
    var out = document.createDocumentFragment();
    t.content.childNodes.forEach(function (n) {
      if (n.nodeType === 1 && n.nodeName === "MARK") {
        out.appendChild(el("mark", "", n.textContent));
      } else {
        out.appendChild(document.createTextNode(n.textContent));
      }
    });
    return out;
  }

  // pageHref mirrors the server: "a/b/#id" → "a/b/index.html#id".
  function pageHref(url) {
    var i = url.indexOf("#");
    var path = i < 0 ? url : url.slice(0, i);
    if (path === "./") path = "";
    return root + path + "index.html" + (i < 0 ? "" : url.slice(i));
  }

  function statusText(q, res) {
    q = q.trim();
    var subject = q ? "「" + q + "」に一致する節" : "条件に合う節";
    if (res.total === 0) return subject + "は見つかりませんでした。";
    if (res.hits.length === 0) return subject + "は" + res.total + "件です。";
    return subject + "は" + res.total + "件です（" + (res.from + 1) + "〜" + (res.from + res.hits.length) + "件目）。";
  }

  function query(q, from) {
    var p = new URLSearchParams();
    if (q) p.set("q", q);
    ["chapter", "role", "level"].forEach(function (k) {
      if (filters[k]) p.set(k, filters[k]);
    });
    if (from) p.set("from", String(from));
    return p;
  }

  // clear empties the results part but keeps the live region element, so
  // that screen readers announce the new count.
  function clear() {
    var live = region.querySelector("[data-kb-search]");
    var status = live.querySelector("#search-status");
    Array.prototype.slice.call(live.childNodes).forEach(function (n) {
      if (n !== status) live.removeChild(n);
    });
    return { live: live, status: status };
  }

  function render(q, res) {
    var c = clear();
    var live = c.live;
    c.status.textContent = statusText(q, res);
    var groups = [["章", "chapter", res.facets.chapters], ["役割", "role", res.facets.roles], ["レベル", "level", res.facets.levels]];
    // On a phone the filters start folded, so that the results come first.
    var details = el("details", "search-facets");
    details.open = !phone.matches || facetsOpened;
    details.appendChild(el("summary", "", "絞り込み"));
    details.addEventListener("toggle", function () { facetsOpened = details.open; });
    var facets = el("div", "search-facet-list");
    details.appendChild(facets);
    groups.forEach(function (g) {
      if (!g[2] || g[2].length === 0) return;
      var box = el("div", "search-facet");
      box.appendChild(el("p", "search-facet-name", g[0]));
      var list = el("p", "page-meta");
      g[2].forEach(function (f) {
        var active = filters[g[1]] === f.id;
        var a = el("a", "tag" + (active ? " active" : ""), f.label + "（" + f.count + "）");
        a.href = "?" + facetQuery(q, g[1], active ? "" : f.id).toString();
        a.setAttribute("data-param", g[1]);
        a.setAttribute("data-value", f.id);
        if (active) a.setAttribute("aria-current", "true");
        list.appendChild(a);
        list.appendChild(document.createTextNode(" "));
      });
      box.appendChild(list);
      facets.appendChild(box);
    });
    if (facets.childNodes.length) live.appendChild(details);
    if (res.hits.length) {
      var ol = el("ol", "search-results");
      ol.start = res.from + 1;
      res.hits.forEach(function (h) {
        var li = el("li");
        var a = el("a");
        a.href = pageHref(h.url);
        a.appendChild(marked(h.title_html));
        li.appendChild(a);
        if (h.path.length) li.appendChild(el("p", "path", h.path.join(" › ")));
        var p = el("p", "snippet");
        p.appendChild(marked(h.snippet));
        li.appendChild(p);
        ol.appendChild(li);
      });
      live.appendChild(ol);
    }
    var next = res.from + res.hits.length;
    if (res.from > 0 || next < res.total) {
      var nav = el("nav", "search-pager");
      nav.setAttribute("aria-label", "検索結果のページ");
      if (res.from > 0) nav.appendChild(pagerLink("prev", "前の" + res.size + "件", q, Math.max(0, res.from - res.size)));
      if (next < res.total) nav.appendChild(pagerLink("next", "次の" + res.size + "件", q, next));
      live.appendChild(nav);
    }
  }

  function facetQuery(q, param, value) {
    var saved = filters[param];
    filters[param] = value;
    var p = query(q, 0);
    filters[param] = saved;
    return p;
  }

  function pagerLink(rel, text, q, from) {
    var a = el("a", "", text);
    a.rel = rel;
    a.href = "?" + query(q, from).toString();
    return a;
  }

  function showMessage(text) {
    clear().status.textContent = text;
  }

  function run(from) {
    var q = input.value;
    var p = query(q.trim() ? q : "", from);
    history.replaceState(null, "", "?" + p.toString());
    if (!q.trim() && !filters.role && !filters.chapter && !filters.level) {
      showMessage("検索語を入力してください。");
      return;
    }
    var mine = ++seq;
    fetch(api + "?" + p.toString(), { headers: { Accept: "application/json" } })
      .then(function (r) {
        return r.json().then(function (body) {
          return { ok: r.ok, body: body };
        });
      })
      .then(function (r) {
        if (mine !== seq) return; // a newer search has started
        if (!r.ok) {
          showMessage(r.body.error || "検索できませんでした。");
          return;
        }
        render(q, r.body);
      })
      .catch(function () {
        if (mine === seq) showMessage("検索できませんでした。サーバーに接続できません。");
      });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      run(0);
    }, 150);
  });

  if (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      clearTimeout(timer);
      run(0);
    });
  }

  region.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest("a") : null;
    if (!a || !region.contains(a)) return;
    var param = a.getAttribute("data-param");
    if (param) {
      e.preventDefault();
      filters[param] = a.getAttribute("aria-current") === "true" ? "" : a.getAttribute("data-value");
      run(0);
    } else if (a.rel === "next" || a.rel === "prev") {
      e.preventDefault();
      var from = Number(new URLSearchParams(a.search).get("from") || 0);
      run(from);
      input.focus();
    }
  });

  // Arrow keys move between the search box and the result links; Escape
  // goes back to the box.
  function resultLinks() {
    return Array.prototype.slice.call(region.querySelectorAll(".search-results > li > a"));
  }
  function focusResult(i) {
    var links = resultLinks();
    links.forEach(function (a, j) {
      a.parentNode.classList.toggle("active", j === i);
    });
    if (i >= 0 && i < links.length) links[i].focus();
  }
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown" && resultLinks().length) {
      e.preventDefault();
      focusResult(0);
    }
  });
  region.addEventListener("keydown", function (e) {
    var links = resultLinks();
    var i = links.indexOf(document.activeElement);
    if (i < 0) return;
    if (e.key === "ArrowDown") {
      e.preventDefault();
      focusResult(Math.min(i + 1, links.length - 1));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      if (i === 0) {
        focusResult(-1);
        input.focus();
      } else {
        focusResult(i - 1);
      }
    } else if (e.key === "Escape") {
      e.preventDefault();
      focusResult(-1);
      input.focus();
    }
  });
})();
