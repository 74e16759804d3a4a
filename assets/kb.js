// kb theme script: the phone menu drawer, the color scheme toggle, copy
// buttons on code, glossary popovers, the current section in the page's
// table of contents, keyboard shortcuts and the 404 page's search. Every
// page reads and navigates without it.

// kbText returns the interface text of key in the site's language, from
// the catalogue the page carries (#kb-messages, written by the theme), with
// each {name} replaced by params[name] in one pass, as web.Messages.Get
// does; a missing key shows as itself. search.js and search-engine.js use it.
window.kbText = (function () {
  var texts = null;
  function load() {
    if (texts) return texts;
    var el = document.getElementById("kb-messages");
    try {
      texts = el ? JSON.parse(el.textContent) : {};
    } catch (e) {
      texts = {};
    }
    return texts;
  }
  return function (key, params) {
    var text = load()[key];
    if (typeof text !== "string") return key;
    if (!params) return text;
    return text.replace(/\{([^{}]*)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole;
    });
  };
})();

(function () {
  "use strict";
  var root = document.documentElement;
  var t = window.kbText;
  var header = document.querySelector(".site-header");

  // The header's real height decides where anchors land (scroll-padding-top).
  function measureHeader() {
    if (header) root.style.setProperty("--header-h", header.offsetHeight + "px");
  }
  measureHeader();
  if (header && window.ResizeObserver) new ResizeObserver(measureHeader).observe(header);

  function typing(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  }

  // --- The menu drawer (phones) ---
  var toggle = document.querySelector(".nav-toggle");
  var sidebar = document.getElementById("sidebar");
  var backdrop = document.querySelector(".drawer-backdrop");
  var closeButton = document.querySelector(".drawer-close");
  var outside = [header, document.getElementById("main"), document.querySelector(".site-footer")];

  function drawerMode() {
    return toggle && getComputedStyle(toggle).display !== "none";
  }
  function focusables() {
    return Array.prototype.filter.call(sidebar.querySelectorAll("a[href], button"), function (e) {
      return e.offsetParent !== null;
    });
  }
  function setDrawer(open) {
    sidebar.classList.toggle("open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    root.classList.toggle("drawer-open", open);
    if (backdrop) backdrop.hidden = !open;
    outside.forEach(function (e) {
      if (e) e.inert = open;
    });
    if (open) {
      sidebar.setAttribute("role", "dialog");
      sidebar.setAttribute("aria-modal", "true");
      var current = sidebar.querySelector('[aria-current="page"]') || closeButton;
      // Scroll the drawer alone: scrollIntoView would move the page too.
      sidebar.scrollTop = current.offsetTop - sidebar.clientHeight / 2;
      current.focus({ preventScroll: true });
    } else {
      sidebar.removeAttribute("role");
      sidebar.removeAttribute("aria-modal");
      toggle.focus({ preventScroll: true });
    }
  }
  if (toggle && sidebar) {
    toggle.addEventListener("click", function () {
      setDrawer(!sidebar.classList.contains("open"));
    });
    if (closeButton) closeButton.addEventListener("click", function () { setDrawer(false); });
    if (backdrop) backdrop.addEventListener("click", function () { setDrawer(false); });
    sidebar.addEventListener("keydown", function (e) {
      if (!sidebar.classList.contains("open")) return;
      if (e.key === "Escape") {
        e.preventDefault();
        setDrawer(false);
      } else if (e.key === "Tab") {
        var list = focusables();
        if (!list.length) return;
        var first = list[0], last = list[list.length - 1];
        if (e.shiftKey && document.activeElement === first) {
          e.preventDefault();
          last.focus();
        } else if (!e.shiftKey && document.activeElement === last) {
          e.preventDefault();
          first.focus();
        }
      }
    });
    // Following a link inside the page closes the drawer.
    sidebar.addEventListener("click", function (e) {
      if (e.target.closest && e.target.closest("a") && sidebar.classList.contains("open")) setDrawer(false);
    });
    window.addEventListener("resize", function () {
      if (sidebar.classList.contains("open") && !drawerMode()) setDrawer(false);
    });
  }

  // --- Color scheme: follows the system until the reader chooses ---
  var schemeButton = document.querySelector(".scheme-toggle");
  if (schemeButton) {
    var order = ["auto", "light", "dark"];
    var showScheme = function () {
      var scheme = root.getAttribute("data-scheme") || "auto";
      var label = schemeButton.getAttribute("data-label-" + scheme);
      schemeButton.querySelector(".scheme-label").textContent = label;
      schemeButton.title = label;
      schemeButton.setAttribute("data-scheme", scheme);
    };
    schemeButton.hidden = false;
    showScheme();
    schemeButton.addEventListener("click", function () {
      var now = root.getAttribute("data-scheme") || "auto";
      var next = order[(order.indexOf(now) + 1) % order.length];
      if (next === "auto") root.removeAttribute("data-scheme");
      else root.setAttribute("data-scheme", next);
      try {
        if (next === "auto") localStorage.removeItem("kb-scheme");
        else localStorage.setItem("kb-scheme", next);
      } catch (e) {
        // Not remembered when storage is disabled.
      }
      showScheme();
    });
  }

  // --- Copy buttons on code blocks ---
  // codeText drops shell prompts when every line of the block has one.
  var prompt = /^(\$ |PS [^>]*> )/;
  function codeText(pre) {
    var text = pre.textContent.replace(/\n$/, "");
    var lines = text.split("\n");
    var withText = lines.filter(function (l) { return l.trim() !== ""; });
    if (withText.length && withText.every(function (l) { return prompt.test(l); })) {
      lines = lines.map(function (l) { return l.replace(prompt, ""); });
    }
    return lines.join("\n") + "\n";
  }
  document.querySelectorAll("pre.code").forEach(function (pre) {
    var box = document.createElement("div");
    box.className = "code-block";
    pre.parentNode.insertBefore(box, pre);
    box.appendChild(pre);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-code";
    button.textContent = t("ui.copy");
    button.setAttribute("aria-label", t("ui.copy_label"));
    button.addEventListener("click", function () {
      var done = function (ok) {
        button.textContent = ok ? t("ui.copied") : t("ui.copy_failed");
        setTimeout(function () { button.textContent = t("ui.copy"); }, 2000);
      };
      var text = codeText(pre);
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(false); });
      } else {
        // file:// and plain http: copy through a selected, hidden text area.
        var area = document.createElement("textarea");
        area.value = text;
        area.setAttribute("readonly", "");
        area.className = "visually-hidden";
        document.body.appendChild(area);
        area.select();
        var ok = false;
        try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
        document.body.removeChild(area);
        done(ok);
      }
    });
    box.insertBefore(button, pre);
  });

  // --- Tables and code that scroll sideways can be scrolled by keyboard ---
  function markScrollable() {
    document.querySelectorAll(".content table, pre.code").forEach(function (e) {
      if (e.scrollWidth > e.clientWidth + 1) {
        e.tabIndex = 0;
        if (e.tagName === "TABLE" && !e.hasAttribute("aria-label")) e.setAttribute("aria-label", t("ui.table_scroll"));
      } else if (e.tabIndex === 0) {
        e.removeAttribute("tabindex");
      }
    });
  }
  markScrollable();
  window.addEventListener("resize", markScrollable);

  // --- Glossary popovers: hover or focus on a desktop, a first tap on a phone ---
  var popover = null;
  var popoverTerm = null;
  function closePopover() {
    if (popover) popover.remove();
    if (popoverTerm) popoverTerm.removeAttribute("aria-describedby");
    popover = null;
    popoverTerm = null;
  }
  function openPopover(term) {
    if (popoverTerm === term) return;
    closePopover();
    var abbr = term.querySelector("abbr");
    var definition = term.getAttribute("data-definition") || "";
    popover = document.createElement("div");
    popover.className = "term-popover";
    popover.id = "term-popover";
    var name = document.createElement("p");
    name.className = "term-name";
    name.textContent = abbr ? abbr.textContent : term.textContent;
    var text = document.createElement("p");
    text.textContent = definition;
    var more = document.createElement("a");
    more.href = term.getAttribute("href");
    more.textContent = t("ui.glossary_more");
    popover.appendChild(name);
    popover.appendChild(text);
    popover.appendChild(more);
    document.body.appendChild(popover);
    var r = term.getBoundingClientRect();
    var width = popover.offsetWidth;
    var left = Math.max(8, Math.min(r.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - width - 8));
    popover.style.left = left + "px";
    popover.style.top = r.bottom + window.scrollY + 6 + "px";
    term.setAttribute("aria-describedby", "term-popover");
    popoverTerm = term;
    popover.addEventListener("mouseleave", function (e) {
      if (!term.contains(e.relatedTarget)) closePopover();
    });
  }
  // A tap also sends mouseenter; the pointer that last went down tells a
  // tap from a mouse.
  var lastPointer = "mouse";
  document.addEventListener("pointerdown", function (e) { lastPointer = e.pointerType; }, true);
  document.querySelectorAll("a.term").forEach(function (term) {
    var abbr = term.querySelector("abbr[title]");
    if (abbr) {
      // The popover replaces the browser's tooltip.
      term.setAttribute("data-definition", abbr.title);
      abbr.removeAttribute("title");
    }
    term.addEventListener("mouseenter", function () {
      if (lastPointer === "mouse") openPopover(term);
    });
    term.addEventListener("mouseleave", function (e) {
      if (!(popover && popover.contains(e.relatedTarget))) closePopover();
    });
    // Keyboard focus shows the definition; the focus a tap gives does not,
    // so that the tap itself decides.
    term.addEventListener("focus", function () {
      if (term.matches(":focus-visible")) openPopover(term);
    });
    term.addEventListener("click", function (e) {
      // A first tap shows the definition; the link in it, or a second tap, leads on.
      if (lastPointer !== "mouse" && popoverTerm !== term) {
        e.preventDefault();
        openPopover(term);
      }
    });
  });
  document.addEventListener("click", function (e) {
    if (popover && !popover.contains(e.target) && !(popoverTerm && popoverTerm.contains(e.target))) closePopover();
  });
  document.addEventListener("focusin", function (e) {
    if (popover && !popover.contains(e.target) && !(popoverTerm && popoverTerm.contains(e.target))) closePopover();
  });

  // --- The page's table of contents: folded on phones, where it would push
  // the text below the fold; always open as the rail of wide screens ---
  var tocBox = document.querySelector(".page-toc-box");
  if (tocBox) {
    var rail = window.matchMedia("(min-width: 75rem)");
    var phone = window.matchMedia("(max-width: 48rem)");
    if (phone.matches && !location.hash) tocBox.open = false;
    var keepOpen = function () { if (rail.matches) tocBox.open = true; };
    rail.addEventListener("change", keepOpen);
    keepOpen();
  }

  // --- The current section in the page's table of contents ---
  var tocLinks = Array.prototype.slice.call(document.querySelectorAll(".page-toc a[href^='#']"));
  var sections = tocLinks.map(function (a) {
    return document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
  });
  var pending = false;
  function markCurrentSection() {
    pending = false;
    var line = (header ? header.offsetHeight : 0) + 16;
    var current = -1;
    sections.forEach(function (h, i) {
      if (h && h.getBoundingClientRect().top <= line) current = i;
    });
    tocLinks.forEach(function (a, i) {
      a.classList.toggle("active", i === current);
      if (i === current) a.setAttribute("aria-current", "location");
      else a.removeAttribute("aria-current");
    });
  }
  if (tocLinks.length) {
    window.addEventListener("scroll", function () {
      if (!pending) {
        pending = true;
        requestAnimationFrame(markCurrentSection);
      }
    }, { passive: true });
    markCurrentSection();
  }

  // --- Keyboard: "/" searches, ← and → turn pages; never while typing ---
  document.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || typing(e.target)) return;
    if (root.classList.contains("drawer-open")) return;
    if (e.key === "Escape" && popover) {
      closePopover();
      return;
    }
    if (e.key === "/") {
      var q = document.getElementById("search-q");
      if (q) {
        e.preventDefault();
        q.focus();
        q.select();
      }
      return;
    }
    if (e.shiftKey || (e.key !== "ArrowLeft" && e.key !== "ArrowRight")) return;
    var rel = e.key === "ArrowLeft" ? "prev" : "next";
    var a = document.querySelector('.prev-next a[rel="' + rel + '"]');
    if (a) {
      e.preventDefault();
      location.href = a.href;
    }
  });

  // --- 404: offer a search for the words of the mistyped address ---
  var notFound = document.querySelector("input[data-from-url]");
  if (notFound) {
    var words = [];
    var path = location.pathname;
    try { path = decodeURIComponent(path); } catch (e) { /* keep it encoded */ }
    path.split(/[\/\-_.\s]+/).forEach(function (w) {
      if (w && !/^(index|html?|\d+)$/i.test(w) && words.indexOf(w) < 0) words.push(w);
    });
    notFound.value = words.join(" ");
  }
})();
