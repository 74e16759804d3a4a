// kb search: results as you type, in the header box of every page and on
// the search page, with keyboard navigation and a live region announcing
// the count. Behind kb host or kb serve the answers come from the
// server's API (and the search page works without this script, rendered
// by the server); on a static host or from a file share they come from the
// static index through search-engine.js. The reader never needs to know
// which.
(function () {
  "use strict";
  var input = document.getElementById("search-q");
  var form = input ? input.form : null;
  if (!input || !form) return;
  var root = form.getAttribute("data-root") || "";
  // t gives the interface text of the site's language (kb.js's kbText).
  var t =
    window.kbText ||
    function (key) {
      return key;
    };
  var api = root + "api/search";
  if (window.kbStaticSearch) window.kbStaticSearch.open(root + "search/static/");

  // ---- Answers: the server's API, or the static index ------------------

  // mode is "server" once the API has answered, "static" once it has not.
  var mode = location.protocol === "file:" || !window.fetch ? "static" : "";

  // ask answers the search in p (URLSearchParams) from the API when there
  // is one and from the static index otherwise; it rejects with {error}.
  // The static index loads a file for about every hit: onPartial is given
  // its answer so far as its first hits come (kbStaticSearch.search).
  function ask(p, onPartial) {
    if (mode === "static") return askStatic(p, onPartial);
    return fetch(api + "?" + p.toString(), { headers: { Accept: "application/json" } }).then(
      function (r) {
        var json = (r.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        if (!json && mode === "") {
          mode = "static"; // a static host: no API here
          return askStatic(p, onPartial);
        }
        return r.json().then(function (body) {
          mode = "server";
          if (!r.ok) return Promise.reject({ error: body.error || t("search.failed") });
          return body;
        });
      },
      function () {
        if (mode === "server") return Promise.reject({ error: t("search.offline") });
        mode = "static";
        return askStatic(p, onPartial);
      }
    );
  }

  function askStatic(p, onPartial) {
    if (!window.kbStaticSearch) return Promise.reject({ error: t("search.failed") });
    var filters = {};
    p.forEach(function (v, k) {
      if (k !== "q" && k !== "from" && k !== "size") filters[k] = v;
    });
    return window.kbStaticSearch.search({
      q: p.get("q") || "",
      filters: filters,
      from: Number(p.get("from") || 0),
      size: Number(p.get("size") || 0),
    }, onPartial);
  }

  // ---- Parts of the results, from layouts/search-results.html --------------

  // The theme writes each part of the results into the page as a
  // <template data-part="…"> inside #kb-search-parts; the script has no
  // markup of its own: it clones a part and fills its slots.
  var parts = document.getElementById("kb-search-parts");

  // part returns a copy of the part name (a DocumentFragment).
  function part(name) {
    var tmpl = parts ? parts.content.querySelector('template[data-part="' + name + '"]') : null;
    if (!tmpl) throw new Error("kb search: the theme has no search part " + name);
    return document.importNode(tmpl.content, true);
  }

  // fill sets the slots of node (an element or a fragment) named in values:
  // the elements marked data-slot="name". A string is the slot's text; null
  // removes the slot's element; an object sets text, html (an answer's
  // title or snippet), append (nodes added after what the part holds) and
  // any other key as an attribute. Slots not named are left as they are.
  function fill(node, values) {
    var slots = Array.prototype.slice.call(node.querySelectorAll("[data-slot]"));
    if (node.nodeType === 1 && node.hasAttribute("data-slot")) slots.unshift(node);
    slots.forEach(function (e) {
      var name = e.getAttribute("data-slot");
      if (!Object.prototype.hasOwnProperty.call(values, name)) return;
      var v = values[name];
      if (v === null) {
        e.parentNode.removeChild(e);
        return;
      }
      if (typeof v !== "object") v = { text: v };
      Object.keys(v).forEach(function (k) {
        if (k === "text") e.textContent = v.text;
        else if (k === "html") {
          e.textContent = "";
          e.appendChild(marked(v.html));
        } else if (k === "append")
          v.append.forEach(function (n) {
            e.appendChild(n);
          });
        else e.setAttribute(k, String(v[k]));
      });
    });
    return node;
  }

  // marked copies HTML from an answer that holds only text and <mark>,
  // keeping nothing else even if it were there.
  function marked(html) {
    var t = document.createElement("template");
    t.innerHTML = html;
    var out = document.createDocumentFragment();
    t.content.childNodes.forEach(function (n) {
      if (n.nodeType === 1 && n.nodeName === "MARK") {
        var m = document.createElement("mark");
        m.textContent = n.textContent;
        out.appendChild(m);
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

  // shownOf is how many hits an answer shows: those it holds and those
  // still loading (a partial answer's pending).
  function shownOf(res) {
    return res.hits.length + (res.pending || 0);
  }

  // announce writes line into the live region status, unless it already
  // says it: a partial answer and the whole one give the same line, which a
  // screen reader should say once.
  function announce(status, line) {
    if (status.textContent !== line) status.textContent = line;
  }

  // statusText says how a search went, as web.Messages.SearchStatus does
  // for the server's page.
  function statusText(q, res) {
    q = q.trim();
    var suffix = q ? "" : "_filtered";
    var p = { q: q, n: res.total, from: res.from + 1, to: res.from + shownOf(res) };
    if (res.total === 0) return t("search.none" + suffix, p);
    if (shownOf(res) === 0) return t("search.total" + suffix, p);
    return t("search.count" + suffix, p);
  }

  // facetName is what the page calls a facet, as web.Messages.FacetName.
  function facetName(k) {
    var name = t("search.facet." + k.key);
    return name === "search.facet." + k.key ? k.name : name;
  }

  function hitItem(h) {
    return fill(part("hit"), {
      link: { href: pageHref(h.url), html: h.title_html },
      path: h.path.length ? h.path.join(" › ") : null,
      snippet: { html: h.snippet },
    });
  }

  // Arrow keys move between the box and a list of result links; Escape
  // goes back to the box.
  function keyboard(box, links, onEscape) {
    box.addEventListener("keydown", function (e) {
      var list = links();
      var i = list.indexOf(document.activeElement);
      if (i < 0) return;
      if (e.key === "ArrowDown") {
        e.preventDefault();
        list[Math.min(i + 1, list.length - 1)].focus();
      } else if (e.key === "ArrowUp") {
        e.preventDefault();
        if (i === 0) input.focus();
        else list[i - 1].focus();
      } else if (e.key === "Escape") {
        e.preventDefault();
        input.focus();
        if (onEscape) onEscape();
      }
    });
  }

  // whenTyped calls run once the reader has typed into the box: after
  // delay ms without typing, or at once when an input method commits its
  // text (Japanese is typed through one, and a commit is a finished word);
  // never for text the input method is still composing.
  function whenTyped(delay, run) {
    var timer = 0;
    var last = null;
    function fire() {
      clearTimeout(timer);
      // Some browsers send an input event after the commit, too.
      if (input.value === last) return;
      last = input.value;
      run();
    }
    input.addEventListener("input", function (e) {
      clearTimeout(timer);
      if (!e.isComposing) timer = setTimeout(fire, delay);
    });
    input.addEventListener("compositionend", fire);
    return {
      cancel: function () {
        clearTimeout(timer);
        last = null;
      },
    };
  }

  var region = document.getElementById("search-results");
  if (region && region.querySelector("[data-kb-search]")) {
    searchPage(region);
  } else {
    headerBox();
  }

  // ---- The search page ----------------------------------------------------

  function searchPage(region) {
    var phone = window.matchMedia("(max-width: 48rem)");
    var facetsOpened = false;
    var served = region.querySelector("details.search-facets");
    if (served && phone.matches) served.open = false;
    var params = new URLSearchParams(location.search);
    // filters holds the facet filters by key; the keys are those the
    // answers list (facet_kinds), or the rendered facet links'.
    var filters = {};
    var keys = {};
    Array.prototype.forEach.call(region.querySelectorAll("a[data-param]"), function (a) {
      keys[a.getAttribute("data-param")] = true;
    });
    var seq = 0;

    function readFilters() {
      Object.keys(keys).forEach(function (k) {
        if (params.get(k)) filters[k] = params.get(k);
      });
    }
    readFilters();

    function anyFilter() {
      return Object.keys(filters).some(function (k) {
        return filters[k];
      });
    }

    function query(q, from, change) {
      var p = new URLSearchParams();
      if (q) p.set("q", q);
      var f = {};
      Object.keys(filters).forEach(function (k) {
        f[k] = filters[k];
      });
      if (change) f[change[0]] = change[1];
      Object.keys(f).forEach(function (k) {
        if (f[k]) p.set(k, f[k]);
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

    // render lays out an answer as layouts/search-results.html does, from
    // its parts.
    function render(q, res) {
      var c = clear();
      var live = c.live;
      announce(c.status, statusText(q, res));
      suggestions(live, res);
      var groups = [];
      (res.facet_kinds || []).forEach(function (k) {
        keys[k.key] = true;
        var counts = res.facets[k.list];
        if (!counts || counts.length === 0) return;
        var values = counts.map(function (f) {
          var active = filters[k.key] === f.id;
          return fill(part(active ? "facet-value-active" : "facet-value"), {
            value: {
              href: "?" + query(q, 0, [k.key, active ? "" : f.id]).toString(),
              "data-param": k.key,
              "data-value": f.id,
              text: t("search.facet_value", { label: f.label, n: f.count }),
            },
          });
        });
        groups.push(fill(part("facet"), { name: facetName(k), values: { append: values } }));
      });
      if (groups.length) {
        var facets = fill(part("facets"), { groups: { append: groups } });
        // On a phone the filters start folded, so that the results come first.
        var details = facets.firstElementChild;
        details.open = !phone.matches || facetsOpened;
        details.addEventListener("toggle", function () {
          facetsOpened = details.open;
        });
        live.appendChild(facets);
      }
      if (res.hits.length) {
        live.appendChild(fill(part("hits"), { hits: { start: res.from + 1, append: res.hits.map(hitItem) } }));
      }
      var next = res.from + shownOf(res);
      if (res.from > 0 || next < res.total) {
        var links = [];
        if (res.from > 0) links.push(pagerLink("prev", t("search.prev", { n: res.size }), q, Math.max(0, res.from - res.size)));
        if (next < res.total) links.push(pagerLink("next", t("search.next", { n: res.size }), q, next));
        live.appendChild(fill(part("pager"), { links: { append: links } }));
      }
    }

    // suggestions lists the "did you mean" queries as links, after the status.
    function suggestions(live, res) {
      if (!res.suggestions || !res.suggestions.length) return;
      var links = [];
      res.suggestions.forEach(function (s, i) {
        if (i > 0) links.push(part("separator"));
        links.push(fill(part("suggestion"), { link: { href: "?" + query(s, 0).toString(), text: s } }));
      });
      live.appendChild(fill(part("suggest"), { suggestions: { append: links } }));
    }

    function pagerLink(rel, text, q, from) {
      return fill(part("pager-link"), { link: { rel: rel, href: "?" + query(q, from).toString(), text: text } });
    }

    function showMessage(text) {
      clear().status.textContent = text;
    }

    // showError says the search failed and why, as the server's page does.
    function showError(err) {
      var c = clear();
      c.status.textContent = t("search.failed");
      if (err && err.error) c.live.appendChild(fill(part("error"), { error: err.error }));
    }

    function run(from) {
      var q = input.value;
      var p = query(q.trim() ? q : "", from);
      try {
        history.replaceState(null, "", "?" + p.toString());
      } catch (e) {
        // some browsers refuse to change the address of a file:// page
      }
      if (!q.trim() && !anyFilter()) {
        showMessage(t("search.enter_query"));
        return;
      }
      var mine = ++seq;
      ask(p, function (partial) {
        if (mine === seq) render(q, partial);
      })
        .then(function (res) {
          if (mine === seq) render(q, res);
        })
        .catch(function (err) {
          if (mine === seq) showError(err);
        });
    }

    var typed = whenTyped(150, function () {
      run(0);
    });

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      typed.cancel();
      run(0);
    });

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

    function resultLinks() {
      return Array.prototype.slice.call(region.querySelectorAll(".search-results > li > a"));
    }
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" && resultLinks().length) {
        e.preventDefault();
        resultLinks()[0].focus();
      }
    });
    keyboard(region, resultLinks);

    // A page the server rendered holds its results; a static page runs the
    // search of its address itself, once it knows the facets.
    if (!region.querySelector("[data-kb-rendered]")) {
      var initial = params.get("q") || "";
      if (initial && !input.value) input.value = initial;
      var ready = window.kbStaticSearch ? window.kbStaticSearch.facetKinds() : Promise.resolve([]);
      ready
        .then(function (kinds) {
          kinds.forEach(function (k) {
            keys[k.key] = true;
          });
        }, function () {})
        .then(function () {
          readFilters();
          if (initial.trim() || anyFilter()) run(Number(params.get("from") || 0));
        });
    }
  }

  // ---- The header box on every other page ----------------------------------

  // headerBox shows the first results under the box as the reader types;
  // Enter still opens the search page with all of them.
  function headerBox() {
    var popup = part("popup");
    var panel = popup.firstElementChild;
    var status = panel.querySelector('[data-slot="status"]');
    var list = panel.querySelector('[data-slot="hits"]');
    var more = panel.querySelector('[data-slot="more"]');
    form.appendChild(popup);
    input.setAttribute("aria-controls", panel.id);
    input.setAttribute("aria-describedby", status.id);
    var seq = 0;

    function close() {
      panel.hidden = true;
    }

    function run() {
      var q = input.value;
      if (!q.trim()) {
        close();
        return;
      }
      var p = new URLSearchParams();
      p.set("q", q);
      p.set("size", "5");
      var mine = ++seq;
      var show = function (res) {
        if (mine !== seq) return;
        list.textContent = "";
        fill(panel, {
          hits: { append: res.hits.map(hitItem) },
          more: { href: root + "search/index.html?q=" + encodeURIComponent(q) },
        });
        announce(status, statusText(q, res));
        more.hidden = res.total <= shownOf(res);
        panel.hidden = false;
      };
      ask(p, show).then(
        show,
        function (err) {
          if (mine !== seq) return;
          list.textContent = "";
          status.textContent = (err && err.error) || t("search.failed");
          more.hidden = true;
          panel.hidden = false;
        }
      );
    }

    whenTyped(120, run);
    function links() {
      return Array.prototype.slice.call(panel.querySelectorAll(".search-results > li > a, a.search-more:not([hidden])"));
    }
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" && !panel.hidden && links().length) {
        e.preventDefault();
        links()[0].focus();
      } else if (e.key === "Escape") {
        close();
      }
    });
    keyboard(panel, links, close);
    document.addEventListener("click", function (e) {
      if (!form.contains(e.target)) close();
    });
  }
})();
