// kb serve's live reload, added to every HTML page at serve time (never to
// the files on disk). It listens to the server's events:
//   reload {gen, pages|all}  reload if this page changed
//   css    {gen, swaps}      swap the changed stylesheets without reloading
//   errors {gen, errors}     show the build's problems over the last good page
//   ok     {gen}             the build is good again: remove them
(function () {
  "use strict";
  var script = document.currentScript;
  var gen = Number(script.getAttribute("data-gen")) || 0;
  // The server names pages by their decoded path: "/日本語/", not "/%E6%97%A5…/".
  var page = location.pathname;
  try { page = decodeURI(page); } catch (e) { /* keep it encoded */ }
  page = page.replace(/index\.html$/, "");
  var source = null;

  function swapStyles(swaps) {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var link = links[i];
      var to = swaps[new URL(link.href, location.href).pathname];
      if (!to) continue;
      // Load the new sheet beside the old one, then drop the old: no flash of unstyled text.
      var fresh = link.cloneNode();
      fresh.href = to;
      fresh.addEventListener("load", function (old) { return function () { old.remove(); }; }(link));
      link.after(fresh);
    }
  }

  function el(tag, text, css) {
    var e = document.createElement(tag);
    if (text) e.textContent = text;
    if (css) e.style.cssText = css;
    return e;
  }

  function hideOverlay() {
    var old = document.getElementById("kb-overlay");
    if (old) old.remove();
  }

  function showOverlay(errors) {
    hideOverlay();
    var box = el("div", "", "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.92);" +
      "color:#f2f2f2;font:15px/1.6 system-ui,sans-serif;padding:2rem");
    box.id = "kb-overlay";
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-label", "ビルドエラー");
    var head = el("div", "", "display:flex;gap:1rem;align-items:baseline;justify-content:space-between");
    head.appendChild(el("h2", "ビルドに失敗しました（" + errors.length + "件）", "margin:0;font-size:1.3rem;color:#ff8a80"));
    var close = el("button", "閉じる", "font:inherit;padding:.2rem .8rem");
    close.type = "button";
    close.addEventListener("click", hideOverlay);
    head.appendChild(close);
    box.appendChild(head);
    box.appendChild(el("p", "直して保存すると自動で消えます。それまでは最後に成功したページを表示しています。", "margin:.5rem 0 1rem"));
    var list = el("ol", "", "margin:0;padding-left:1.5rem");
    errors.forEach(function (d) {
      var item = el("li", "", "margin-bottom:1.2rem");
      item.className = "kb-diagnostic";
      var where = d.file || "";
      if (d.line) where += ":" + d.line + (d.col ? ":" + d.col : "");
      if (where) item.appendChild(el("code", where, "color:#80d8ff;font-weight:bold"));
      item.appendChild(el("div", d.msg, "white-space:pre-wrap"));
      if (d.hint) item.appendChild(el("div", d.hint, "color:#c5e1a5"));
      if (d.source) {
        var pre = el("pre", "", "margin:.4rem 0 0;padding:.5rem;background:#000;overflow:auto");
        var chars = Array.from(d.source);
        var at = d.col > 0 ? d.col - 1 : chars.length;
        pre.appendChild(document.createTextNode(chars.slice(0, at).join("")));
        if (at < chars.length) {
          pre.appendChild(el("mark", chars[at], "background:#ff5252;color:#fff"));
          pre.appendChild(document.createTextNode(chars.slice(at + 1).join("")));
        }
        item.appendChild(pre);
      }
      list.appendChild(item);
    });
    box.appendChild(list);
    document.body.appendChild(box);
  }

  // refresh swaps in the new text of this page without reloading it: the
  // page body and the sidebar are replaced, so the scroll position, the
  // header and the scripts' bindings stay. Anything unexpected falls back to
  // a full reload.
  var latest = 0;
  function refresh() {
    var seq = ++latest;
    fetch(location.href, { cache: "no-store" }).then(function (res) {
      if (!res.ok) throw new Error(res.status);
      return res.text();
    }).then(function (html) {
      if (seq !== latest) return; // a newer edit is on its way
      var fresh = new DOMParser().parseFromString(html, "text/html");
      var parts = ["main", "sidebar"];
      for (var i = 0; i < parts.length; i++) {
        if (!document.getElementById(parts[i]) || !fresh.getElementById(parts[i])) throw new Error("layout changed");
      }
      parts.forEach(function (id) {
        document.getElementById(id).innerHTML = fresh.getElementById(id).innerHTML;
      });
      document.title = fresh.title;
      if (location.hash) {
        var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
        if (target && window.scrollY === 0) target.scrollIntoView();
      }
    }).catch(function () { location.reload(); });
  }

  function on(name, fn) {
    source.addEventListener(name, function (e) {
      var d = JSON.parse(e.data);
      if (d.gen > gen) gen = d.gen;
      fn(d);
    });
  }

  function connect() {
    source = new EventSource("/__kb/events?gen=" + gen + "&page=" + encodeURIComponent(page));
    on("reload", function (d) {
      // A change to every page (a template, the configuration) reloads;
      // a change to this page's text is swapped in place.
      if (d.all) location.reload();
      else if (d.pages.indexOf(page) >= 0) refresh();
    });
    on("css", function (d) { swapStyles(d.swaps); });
    on("errors", function (d) { showOverlay(d.errors); });
    on("ok", hideOverlay);
    // Reconnect by hand, so that the server learns the build this page
    // already shows and does not reload it for nothing.
    source.onerror = function () {
      source.close();
      setTimeout(connect, 1000);
    };
  }
  connect();
})();
