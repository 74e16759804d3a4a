// kb search page: results as you type, facet filters without reloading,
// keyboard navigation and a live region announcing the count. Behind kb
// host or kb serve, the answers come from the server's API (and the page
// works without this script, rendered by the server); on a static host or
// from a file share, from the static index through search-engine.js. The
// reader never needs to know which.
(function () {
  "use strict";
  var region = document.getElementById("search-results");
  var input = document.getElementById("search-q");
  if (!region || !input || !region.querySelector("[data-kb-search]")) {
    return;
  }
  var api = region.getAttribute("data-api");
  var root = region.getAttribute("data-root") || "";
  if (window.kbStaticSearch) window.kbStaticSearch.open(region.getAttribute("data-index"));
  var form = input.form;
  var params = new URLSearchParams(location.search);
  var filters = { role: params.get("role") || "", chapter: params.get("chapter") || "", level: params.get("level") || "" };
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
    var facets = el("div", "search-facets");
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
    if (facets.childNodes.length) live.appendChild(facets);
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
    try {
      history.replaceState(null, "", "?" + p.toString());
    } catch (e) {
      // some browsers refuse to change the address of a file:// page
    }
    if (!q.trim() && !filters.role && !filters.chapter && !filters.level) {
      showMessage("検索語を入力してください。");
      return;
    }
    var mine = ++seq;
    ask(p)
      .then(function (res) {
        if (mine === seq) render(q, res);
      })
      .catch(function (err) {
        if (mine === seq) showMessage((err && err.error) || "検索できませんでした。");
      });
  }

  // mode is "server" once the API has answered, "static" once it has not.
  var mode = location.protocol === "file:" || !api || !window.fetch ? "static" : "";

  // ask answers the search in p from the server's API when there is one,
  // and from the static index otherwise; it rejects with {error}.
  function ask(p) {
    if (mode === "static") return askStatic(p);
    return fetch(api + "?" + p.toString(), { headers: { Accept: "application/json" } }).then(
      function (r) {
        var json = (r.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        if (!json && mode === "") {
          mode = "static"; // a static host: no API here
          return askStatic(p);
        }
        return r.json().then(function (body) {
          mode = "server";
          if (!r.ok) return Promise.reject({ error: body.error || "検索できませんでした。" });
          return body;
        });
      },
      function () {
        if (mode === "server") return Promise.reject({ error: "検索できませんでした。サーバーに接続できません。" });
        mode = "static";
        return askStatic(p);
      }
    );
  }

  function askStatic(p) {
    if (!window.kbStaticSearch) return Promise.reject({ error: "検索できませんでした。" });
    return window.kbStaticSearch.search({
      q: p.get("q") || "",
      role: p.get("role") || "",
      chapter: p.get("chapter") || "",
      level: p.get("level") || "",
      from: Number(p.get("from") || 0),
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

  // A page the server rendered holds its results; a static page runs the
  // search of its address itself.
  if (!region.querySelector("[data-kb-rendered]")) {
    var initial = params.get("q") || "";
    if (initial && !input.value) input.value = initial;
    if (initial.trim() || filters.role || filters.chapter || filters.level) run(Number(params.get("from") || 0));
  }
})();
