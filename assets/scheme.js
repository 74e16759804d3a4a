// kb theme: applies the reader's chosen color scheme before the page is
// drawn, so that a dark page never flashes light. Without a choice, the
// page follows the system (CSS color-scheme: light dark).
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");
  try {
    var scheme = localStorage.getItem("kb-scheme");
    if (scheme === "light" || scheme === "dark") {
      root.setAttribute("data-scheme", scheme);
    }
  } catch (e) {
    // Storage may be disabled; the system's scheme then applies.
  }
})();
