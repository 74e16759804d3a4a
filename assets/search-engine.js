// kb static search engine: answers queries in the browser from the static
// index that kb build writes to search/static/, with no server. It follows
// the steps of kb's server (internal/search) one for one: the same query
// grammar, the same analysis (bleve's cjk analyzer: Unicode word
// segmentation, width folding, lower case, bigrams of Japanese), the same
// two-pass executor, the same scores and the same snippets, so that both
// give the same answers. The index's files are scripts that call
// kbSearchData, so they load from file:// too.
(function () {
  "use strict";

  // ---- Loading the index ------------------------------------------------

  var pending = {}; // file name → {resolve, reject}
  var loaded = {}; // file name → data
  var base = ""; // URL of the index folder, ending in "/"
  var version = "";

  // kbSearchData receives a file of the index: its JSON compressed with
  // DEFLATE, packed seven bits a character (staticsearch.script).
  window.kbSearchData = function (name, packed) {
    var p = pending[name];
    if (p) p.registered = true;
    // A browser without DecompressionStream rejects here, and the search
    // says that the index cannot be read.
    Promise.resolve(packed)
      .then(inflate)
      .then(JSON.parse)
      .then(
        function (data) {
          loaded[name] = data;
          if (p && pending[name] === p) {
            delete pending[name];
            p.resolve(data);
          }
        },
        function (err) {
          if (p && pending[name] === p) {
            delete pending[name];
            p.reject(err);
          }
        }
      );
  };

  // unsafe are the values that staticsearch.pack writes as part of a
  // two-byte character, in its order.
  var unsafe = [0, 10, 13, 34, 92];

  // unpack reads the bytes that staticsearch.pack wrote as text: seven
  // bits a character, an unsafe group together with the next one as
  // U+0100 + 128 × its index + the next group, or, last, as U+0380 + its
  // index.
  function unpack(text) {
    var out = new Uint8Array(Math.floor((text.length * 14) / 8) + 1);
    var k = 0;
    var acc = 0;
    var n = 0;
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      var v;
      if (c < 128) v = c;
      else if (c >= 0x380) v = unsafe[c - 0x380];
      else {
        acc = ((acc << 7) | unsafe[(c - 0x100) >> 7]) & 0x7fff;
        n += 7;
        if (n >= 8) {
          n -= 8;
          out[k++] = acc >> n;
        }
        v = c & 127;
      }
      acc = ((acc << 7) | v) & 0x7fff;
      n += 7;
      if (n >= 8) {
        n -= 8;
        out[k++] = acc >> n;
      }
    }
    return out.subarray(0, k);
  }

  // inflate turns packed DEFLATE data into the text it holds, with the
  // browser's own decompressor (no fetch: it works from file:// too).
  function inflate(packed) {
    var bytes = unpack(packed);
    // Written straight into the stream: a Blob would cost a round trip to
    // the browser's blob registry per file.
    var ds = new DecompressionStream("deflate-raw");
    var w = ds.writable.getWriter();
    w.write(bytes).catch(function () {});
    w.close().catch(function () {});
    return new Response(ds.readable).text();
  }

  function load(name) {
    if (Object.prototype.hasOwnProperty.call(loaded, name)) return Promise.resolve(loaded[name]);
    if (pending[name]) return pending[name].promise;
    var entry = {};
    entry.promise = new Promise(function (resolve, reject) {
      entry.resolve = resolve;
      entry.reject = reject;
    });
    pending[name] = entry;
    var s = document.createElement("script");
    s.src = base + name + ".js" + (version ? "?v=" + version : "");
    // The packed strings are UTF-8 whatever the page's encoding.
    s.charset = "utf-8";
    s.async = true;
    s.onerror = function () {
      delete pending[name];
      entry.reject(new Error("cannot load " + name));
    };
    s.onload = function () {
      if (pending[name] === entry && !entry.registered) {
        delete pending[name];
        entry.reject(new Error(name + " registered nothing"));
      }
    };
    document.head.appendChild(s);
    return entry.promise;
  }

  var metaPromise = null;
  function meta() {
    if (!metaPromise) {
      metaPromise = load("meta").then(function (m) {
        version = m.version;
        setVariants(m.variants);
        m.synonymIndex = new Map();
        m.synonyms.forEach(function (g) {
          g.forEach(function (term) {
            m.synonymIndex.set(synonymKey(term), g);
          });
        });
        if (typeof m.lengths[0] !== "string") return m; // decoded before
        m.lengths = m.lengths.map(numbers);
        var values = {};
        // Runs of sections with the same values (staticsearch.valueRuns):
        // the sections of a run share one list.
        m.facetKinds.forEach(function (k) {
          var flat = numbers(m.values[k.key] || "");
          var list = [];
          for (var i = 0; i < flat.length; ) {
            var run = flat[i];
            var shared = flat.slice(i + 2, i + 2 + flat[i + 1]);
            for (var j = 0; j < run; j++) list.push(shared);
            i += 2 + flat[i + 1];
          }
          values[k.key] = list;
        });
        m.values = values;
        return m;
      });
      metaPromise.catch(function () {
        metaPromise = null;
      });
    }
    return metaPromise;
  }

  // pad3 writes a chunk number as the build names its file (%03d).
  function pad3(n) {
    return String(n).padStart(3, "0");
  }

  // hash is FNV-1a over the term's code points, as staticsearch.Hash.
  function hash(term) {
    var h = 2166136261;
    for (var i = 0; i < term.length; i++) {
      var c = term.codePointAt(i);
      if (c > 0xffff) i++;
      h = Math.imul(h ^ c, 16777619) >>> 0;
    }
    return h;
  }

  // termChunk names the file of term's entry: its own file when meta lists
  // it (staticsearch's OwnFiles), else the chunk its hash names.
  function termChunk(m, term) {
    if (!m.ownIndex) {
      m.ownIndex = new Map();
      (m.ownFiles || []).forEach(function (t, i) {
        m.ownIndex.set(t, m.termChunks + i);
      });
    }
    var own = m.ownIndex.get(term);
    // A term's positions are in its chunk (staticsearch.ChunkKey).
    var key = term.charAt(0) === "!" ? term.slice(1) : term;
    return "t-" + pad3(own === undefined ? hash(key) % m.termChunks : own);
  }

  // termEntries loads the entries of terms: [titlePostings, bodyPostings,
  // heads?, tails?] or undefined when the index has none.
  function termEntries(m, terms) {
    var chunks = {};
    terms.forEach(function (t) {
      chunks[termChunk(m, t)] = true;
    });
    return Promise.all(Object.keys(chunks).map(load)).then(function () {
      var out = {};
      terms.forEach(function (t) {
        var c = loaded[termChunk(m, t)];
        if (Object.prototype.hasOwnProperty.call(c, t)) out[t] = c[t];
      });
      return out;
    });
  }

  // numbers decodes a list of numbers as staticsearch.numbers writes it,
  // into an Int32Array.
  var digitValue = new Int8Array(128).fill(-1);
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".split("").forEach(function (c, i) {
    digitValue[c.charCodeAt(0)] = i;
  });
  function numbers(s) {
    var count = 0;
    for (var i = 0; i < s.length; i++) if (digitValue[s.charCodeAt(i) & 127] < 32) count++;
    var out = new Int32Array(count);
    var n = 0;
    var shift = 1;
    var k = 0;
    for (i = 0; i < s.length; i++) {
      var d = digitValue[s.charCodeAt(i) & 127];
      if (d >= 32) {
        n += (d - 32) * shift;
        shift *= 32;
      } else {
        out[k++] = n + d * shift;
        n = 0;
        shift = 1;
      }
    }
    return out;
  }

  // Postings are a term's sections in a field, in ascending order (docs),
  // how often it occurs in each, and, when they were loaded, its positions:
  // docs[i] holds it start[i+1] - start[i] times, at pos[start[i]] up to
  // pos[start[i+1]].
  function Postings(docs, start, pos) {
    this.docs = docs;
    this.start = start;
    this.pos = pos;
  }
  // index returns where section d is in docs, or -1.
  Postings.prototype.index = function (d) {
    var docs = this.docs;
    var lo = 0;
    var hi = docs.length;
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (docs[mid] < d) lo = mid + 1;
      else hi = mid;
    }
    return lo < docs.length && docs[lo] === d ? lo : -1;
  };
  // get returns the positions of the term in section d, or undefined.
  Postings.prototype.get = function (d) {
    var i = this.index(d);
    if (i < 0) return undefined;
    return this.pos.subarray(this.start[i], this.start[i + 1]);
  };
  // count returns how often the term occurs in section d.
  Postings.prototype.count = function (d) {
    var i = this.index(d);
    return i < 0 ? 0 : this.start[i + 1] - this.start[i];
  };

  // decode reads a term's counts in a field as staticsearch.countList
  // writes them and, when given, its positions there
  // (staticsearch.postingList).
  function decode(counts, positions) {
    var flat = numbers(counts);
    // At most one section per number; the arrays are cut to size below.
    var docs = new Int32Array(flat.length);
    var start = new Int32Array(flat.length + 1);
    var nd = 0;
    var np = 0;
    var doc = 0;
    for (var i = 0; i < flat.length; ) {
      var v = flat[i++];
      doc += v >>> 1;
      docs[nd] = doc;
      start[nd++] = np;
      np += v & 1 ? flat[i++] + 2 : 1;
    }
    start[nd] = np;
    var pos = null;
    if (positions != null) {
      var deltas = numbers(positions);
      pos = new Int32Array(np);
      for (var k = 0; k < nd; k++) {
        var p = 0;
        for (var j = start[k]; j < start[k + 1]; j++) {
          p += deltas[j];
          pos[j] = p;
        }
      }
    }
    return new Postings(docs.subarray(0, nd), start.subarray(0, nd + 1), pos);
  }

  // ---- Characters ---------------------------------------------------------

  var reSpace = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/;
  function isSpace(c) {
    return reSpace.test(c);
  }
  function isQuote(c) {
    return c === '"' || c === "＂" || c === "“" || c === "”";
  }
  // chars splits a string into code points.
  function chars(s) {
    return Array.from(s);
  }
  function trimSpace(s) {
    var a = chars(s);
    var i = 0;
    var j = a.length;
    while (i < j && isSpace(a[i])) i++;
    while (j > i && isSpace(a[j - 1])) j--;
    return a.slice(i, j).join("");
  }
  function foldWidth(s) {
    return chars(s)
      .map(function (c) {
        var r = c.codePointAt(0);
        return r >= 0xff01 && r <= 0xff5e ? String.fromCodePoint(r - 0xfee0) : c;
      })
      .join("");
  }

  // ---- Query grammar (search.ParseQuery) -----------------------------------

  // QueryError is search.QueryError: a key of the catalogue (query.*) and
  // the values of its {name} slots, the same as the server's.
  function QueryError(key, args) {
    this.key = key;
    this.args = args || {};
  }

  // queryText is the reader's text of a QueryError in the site's language
  // (kb.js's kbText), as the server writes it: a "facet" slot shows the
  // facet's name.
  function queryText(err) {
    var t =
      window.kbText ||
      function (key) {
        return key;
      };
    var args = {};
    Object.keys(err.args).forEach(function (k) {
      args[k] = err.args[k];
    });
    if (args.facet !== undefined) {
      var name = t("search.facet." + args.facet);
      if (name !== "search.facet." + args.facet) args.facet = name;
    }
    return t(err.key, args);
  }

  // parseQuery parses a query with the facets m lists (search.FacetKinds).
  function parseQuery(s, m) {
    var params = m.params;
    var q = { terms: [], filters: {} };
    m.facetKinds.forEach(function (k) {
      q.filters[k.key] = [];
    });
    if (/[\ud800-\udbff](?![\udc00-\udfff])|(^|[^\ud800-\udbff])[\udc00-\udfff]/.test(s)) {
      throw new QueryError("query.invalid_text");
    }
    if (chars(s).length > params.maxQueryLength) {
      throw new QueryError("query.too_long", { max: String(params.maxQueryLength) });
    }
    var a = chars(s);
    var i = 0;
    var items = 0;
    function skipSpace() {
      while (i < a.length && isSpace(a[i])) i++;
    }
    for (skipSpace(); i < a.length; skipSpace()) {
      items++;
      if (items > params.maxItems) {
        throw new QueryError("query.too_many", { max: String(params.maxItems) });
      }
      var t = { text: "", quoted: false, exclude: false };
      if (a[i] === "-" && i + 1 < a.length && !isSpace(a[i + 1])) {
        t.exclude = true;
        i++;
      }
      if (isQuote(a[i])) {
        var j = i + 1;
        while (j < a.length && !isQuote(a[j])) j++;
        t.text = trimSpace(a.slice(i + 1, j).join(""));
        i = j < a.length ? j + 1 : j;
        t.quoted = true;
        if (t.text !== "") q.terms.push(t);
        continue;
      }
      var k = i;
      while (k < a.length && !isSpace(a[k])) k++;
      var word = a.slice(i, k).join("");
      i = k;
      var f = filter(m, word);
      if (f) {
        if (t.exclude) throw new QueryError("query.excluded_filter", { key: f.kind.key });
        if (f.value === "") {
          throw new QueryError("query.empty_filter", { key: f.kind.key, example: f.kind.example });
        }
        q.filters[f.kind.key].push(f.value);
        continue;
      }
      t.text = word;
      q.terms.push(t);
    }
    return q;
  }

  function filter(m, word) {
    var colon = /[:：]/.exec(word);
    if (!colon) return null;
    var key = foldWidth(word.slice(0, colon.index)).toLowerCase();
    var kind = m.facetKinds.filter(function (k) {
      return k.key === key;
    })[0];
    if (!kind) return null;
    return { kind: kind, value: foldWidth(word.slice(colon.index + 1)) };
  }

  // ---- Analysis (bleve's cjk analyzer) ------------------------------------

  // Word-break classes of UAX #29, as the segmenter bleve uses assigns them.
  var reHan = /\p{Script=Han}/u;
  var reHiragana = /\p{Script=Hiragana}/u;
  var reKatakana = /[\u3031-\u3035\u309b\u309c\u30a0-\u30fa\u30fc-\u30ff\u31f0-\u31ff\u32d0-\u32fe\u3300-\u3357\uff66-\uff9d\u{1b000}]/u;
  var reExtend = /[\p{Mn}\p{Me}\p{Mc}\u200c\u200d\uff9e\uff9f]/u;
  var reFormat = /[\p{Cf}]/u;
  var reALetter = /[\p{Alphabetic}]/u;
  var reIdeographic = /\p{Ideographic}/u;
  var reNumeric = /\p{Nd}/u;
  var reMidLetter = /[:\u00b7\u0387\u05f4\u2027\ufe13\ufe55\uff1a]/;
  var reMidNum = /[,;\u037e\u0589\u060c\u060d\u066c\u07f8\u2044\ufe10\ufe14\ufe50\ufe54\uff0c\uff1b]/;
  var reMidNumLet = /[.\u2018\u2019\u2024\ufe52\uff07\uff0e']/;
  var reExtendNumLet = /\p{Pc}/u;
  var reNewline = /[\n\r\v\f\u0085\u2028\u2029]/;

  // wbClass is remembered per character: snippets analyse whole sections.
  var wbClasses = new Map();
  function wbClass(c) {
    var cls = wbClasses.get(c);
    if (cls === undefined) {
      cls = wbClassOf(c);
      wbClasses.set(c, cls);
    }
    return cls;
  }

  function wbClassOf(c) {
    if (reNewline.test(c)) return "NL";
    if (reKatakana.test(c)) return "K";
    if (reExtend.test(c)) return "X";
    if (c !== "\u200b" && reFormat.test(c)) return "X";
    if (reHiragana.test(c)) return "I";
    if (reNumeric.test(c) && !(c >= "０" && c <= "９")) return "N";
    if (reExtendNumLet.test(c)) return "E";
    if (c === "'") return "Q";
    if (reMidNumLet.test(c)) return "MNL";
    if (reMidLetter.test(c)) return "ML";
    if (reMidNum.test(c)) return "MN";
    if (reALetter.test(c) && !reIdeographic.test(c)) return "A";
    if (reHan.test(c)) return "I";
    return "O";
  }

  // tokenize splits text into words as bleve's unicode tokenizer does,
  // with UTF-16 offsets: [{text, start, end, ideo}].
  function tokenize(text) {
    // Units: a character with the Extend and Format characters after it.
    var units = [];
    var off = 0;
    chars(text).forEach(function (c) {
      var cls = wbClass(c);
      var last = units[units.length - 1];
      if (cls === "X" && last && last.cls !== "NL") {
        last.end += c.length;
      } else {
        units.push({ cls: cls, start: off, end: off + c.length });
      }
      off += c.length;
    });
    var out = [];
    var i = 0;
    function is(j, set) {
      return j < units.length && set.indexOf(units[j].cls) >= 0;
    }
    while (i < units.length) {
      var u = units[i];
      if (u.cls === "I") {
        out.push({ text: text.slice(u.start, u.end), start: u.start, end: u.end, ideo: true });
        i++;
        continue;
      }
      if (!is(i, ["A", "N", "K", "E"])) {
        i++;
        continue;
      }
      // The longest word from i: runs of letters and digits (joined by
      // one middle character when the same kind follows), runs of
      // katakana, joined to each other through connectors (_).
      var j = i;
      var kinds = {};
      while (j < units.length) {
        var c = units[j].cls;
        if (c === "E") {
          kinds.E = true;
          j++;
          continue;
        }
        var prev = j > i ? units[j - 1].cls : "";
        if (c === "K") {
          if (prev !== "" && prev !== "K" && prev !== "E") break;
          kinds.K = true;
          j++;
          continue;
        }
        if (c === "A" || c === "N") {
          if (prev === "K") break;
          kinds[c] = true;
          j++;
          continue;
        }
        if ((c === "ML" || c === "MNL" || c === "Q") && prev === "A" && is(j + 1, ["A"])) {
          j += 2;
          continue;
        }
        if ((c === "MN" || c === "MNL" || c === "Q") && prev === "N" && is(j + 1, ["N"])) {
          j += 2;
          continue;
        }
        break;
      }
      var start = units[i].start;
      var end = units[j - 1].end;
      out.push({ text: text.slice(start, end), start: start, end: end, ideo: kinds.K && !kinds.A && !kinds.N && !kinds.E });
      i = j;
    }
    return out;
  }

  var kanaNorm = [
    0x30fb, 0x30f2, 0x30a1, 0x30a3, 0x30a5, 0x30a7, 0x30a9, 0x30e3, 0x30e5, 0x30e7, 0x30c3, 0x30fc, 0x30a2, 0x30a4, 0x30a6,
    0x30a8, 0x30aa, 0x30ab, 0x30ad, 0x30af, 0x30b1, 0x30b3, 0x30b5, 0x30b7, 0x30b9, 0x30bb, 0x30bd, 0x30bf, 0x30c1, 0x30c4,
    0x30c6, 0x30c8, 0x30ca, 0x30cb, 0x30cc, 0x30cd, 0x30ce, 0x30cf, 0x30d2, 0x30d5, 0x30d8, 0x30db, 0x30de, 0x30df, 0x30e0,
    0x30e1, 0x30e2, 0x30e4, 0x30e6, 0x30e8, 0x30e9, 0x30ea, 0x30eb, 0x30ec, 0x30ed, 0x30ef, 0x30f3, 0x3099, 0x309a,
  ];
  var kanaCombineVoiced = [
    78, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0,
    0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 8, 8, 8, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 1,
  ];
  var kanaCombineHalfVoiced = [
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 2, 0, 0, 2, 0, 0, 2, 0, 0, 2, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0,
  ];

  // foldTerm applies the cjk_width and lowercase filters to a term.
  function foldTerm(term) {
    var r = chars(term).map(function (c) {
      return c.codePointAt(0);
    });
    for (var i = 0; i < r.length; i++) {
      var ch = r[i];
      if (ch >= 0xff01 && ch <= 0xff5e) {
        r[i] = ch - 0xfee0;
      } else if (ch >= 0xff65 && ch <= 0xff9f) {
        var prev = i > 0 ? r[i - 1] : 0;
        var combined = false;
        if ((ch === 0xff9e || ch === 0xff9f) && i > 0 && prev >= 0x30a6 && prev <= 0x30fd) {
          r[i - 1] += ch === 0xff9f ? kanaCombineHalfVoiced[prev - 0x30a6] : kanaCombineVoiced[prev - 0x30a6];
          combined = r[i - 1] !== prev;
        }
        if (combined) {
          r.splice(i, 1);
          i--;
        } else {
          r[i] = kanaNorm[ch - 0xff65];
        }
      }
    }
    return r
      .map(function (c) {
        var s = String.fromCodePoint(c);
        if (c === 0x130) return "i"; // Go's unicode.ToLower('İ')
        var l = s.toLowerCase();
        return chars(l).length === 1 ? l : s;
      })
      .join("");
  }

  // ---- Spelling variants (search.Fold) ----------------------------------

  // variants is the table of meta.js (search.Variants), compiled by
  // setVariants: {small, words: {first code point → [{from, to, guard}]},
  // keep: [[code points]]}.
  var variants = null;

  function setVariants(v) {
    function rules(pairs) {
      var byFirst = new Map();
      pairs.forEach(function (p) {
        var from = p[1];
        var guard = from[0] === "^";
        if (guard) from = from.slice(1);
        var r = { from: codePoints(from), to: codePoints(p[0]), guard: guard };
        r.align = alignment(r.from, r.to);
        var list = byFirst.get(r.from[0]) || [];
        list.push(r);
        byFirst.set(r.from[0], list);
      });
      byFirst.forEach(function (list) {
        // Longest first; the table's order among equals (a stable sort).
        list.sort(function (a, b) {
          return b.from.length - a.from.length;
        });
      });
      return byFirst;
    }
    variants = { small: rules(v.small), words: rules(v.words), keep: v.keep.map(codePoints) };
  }

  function codePoints(s) {
    return chars(s).map(function (c) {
      return c.codePointAt(0);
    });
  }

  // alignment matches each code point of to with one of from, as
  // search's alignment does: one for one when they are as long, in order
  // when to is a subsequence of from; null otherwise.
  function alignment(from, to) {
    var out = [];
    var k;
    if (from.length === to.length) {
      for (k = 0; k < to.length; k++) out.push(k);
      return out;
    }
    var j = 0;
    for (k = 0; k < to.length; k++) {
      while (j < from.length && from[j] !== to[k]) j++;
      if (j === from.length) return null;
      out.push(j);
      j++;
    }
    return out;
  }

  var reHanOnly = /^\p{Script=Han}$/u;

  // replaceVariants replaces variants in r ({c: code point, s, e: the
  // UTF-16 range of the original text}), leftmost and then longest first;
  // the replacement's characters get ranges as foldText gives them in Go.
  function replaceVariants(r, byFirst) {
    var out = [];
    for (var i = 0; i < r.length; ) {
      var list = byFirst.get(r[i].c) || [];
      var found = null;
      for (var k = 0; k < list.length && !found; k++) {
        var rule = list[k];
        if (rule.from.length > r.length - i) continue;
        if (rule.guard && i > 0 && reHanOnly.test(String.fromCodePoint(r[i - 1].c))) continue;
        var ok = true;
        for (var j = 0; j < rule.from.length; j++) {
          if (r[i + j].c !== rule.from[j]) {
            ok = false;
            break;
          }
        }
        if (ok) found = rule;
      }
      if (!found) {
        out.push(r[i]);
        i++;
        continue;
      }
      var start = r[i].s;
      var end = r[i + found.from.length - 1].e;
      for (k = 0; k < found.to.length; k++) {
        var x = { c: found.to[k], s: start, e: end };
        if (found.align) {
          if (k > 0) x.s = r[i + found.align[k]].s;
          if (k + 1 < found.to.length) x.e = r[i + found.align[k + 1]].s;
        }
        out.push(x);
      }
      i += found.from.length;
    }
    return out;
  }

  function isKatakanaLetter(c) {
    return (c >= 0x30a1 && c <= 0x30fa) || c === 0x30fc;
  }
  var smallKana = [0x30a1, 0x30a3, 0x30a5, 0x30a7, 0x30a9, 0x30e3, 0x30e5, 0x30e7, 0x30ee];

  // dropMark: may a long vowel mark after the katakana word ending out go?
  function dropMark(out) {
    var start = out.length;
    while (start > 0 && isKatakanaLetter(out[start - 1].c)) start--;
    var word = out.slice(start).map(function (x) {
      return x.c;
    });
    var morae = 0;
    word.forEach(function (c) {
      if (smallKana.indexOf(c) < 0) morae++;
    });
    if (morae < 3) return false;
    return !variants.keep.some(function (k) {
      var stem = k.slice(0, k.length - 1);
      if (word.length < stem.length) return false;
      for (var i = 0; i < stem.length; i++) if (word[word.length - stem.length + i] !== stem[i]) return false;
      return true;
    });
  }

  // fold folds widths, spelling variants and word-final long vowel marks
  // as search.Fold does, before tokenizing.
  function fold(text) {
    return foldSpans(text)
      .map(function (x) {
        return String.fromCodePoint(x.c);
      })
      .join("");
  }

  // foldSpans is fold keeping, for each folded code point, the UTF-16
  // range {s, e} of the original text it stands for, as foldText does.
  function foldSpans(text) {
    var w = [];
    for (var i = 0; i < text.length; ) {
      var ch = text.codePointAt(i);
      var x = { c: ch, s: i, e: i + (ch > 0xffff ? 2 : 1) };
      i = x.e;
      // Widths, as bleve's cjk_width filter (search.widthPass).
      if (ch >= 0xff01 && ch <= 0xff5e) {
        x.c = ch - 0xfee0;
      } else if (ch >= 0xff65 && ch <= 0xff9f) {
        if ((ch === 0xff9e || ch === 0xff9f) && w.length > 0) {
          var prev = w[w.length - 1];
          var p = prev.c;
          if (p >= 0x30a6 && p <= 0x30fd) {
            var add = ch === 0xff9f ? kanaCombineHalfVoiced[p - 0x30a6] : kanaCombineVoiced[p - 0x30a6];
            if (add !== 0) {
              prev.c = p + add;
              prev.e = x.e;
              continue;
            }
          }
        }
        x.c = kanaNorm[ch - 0xff65];
      }
      w.push(x);
    }
    if (!variants) return w;
    w = replaceVariants(w, variants.small);
    w = replaceVariants(w, variants.words);
    var out = [];
    for (var j = 0; j < w.length; j++) {
      if (w[j].c === 0x30fc && (j + 1 === w.length || !isKatakanaLetter(w[j + 1].c)) && dropMark(out)) {
        out[out.length - 1].e = w[j].e;
        continue;
      }
      out.push(w[j]);
    }
    return out;
  }

  // analyze returns the tokens of text as the index's analyzer makes them:
  // [{term, type, start, end}] with type "single", "double" or "word", and
  // the UTF-16 offsets of the text each came from.
  function analyze(text) {
    // Offsets in the folded text, and where each starts and ends in text.
    var spans = foldSpans(text);
    var origStart = [];
    var origEnd = [];
    var folded = "";
    spans.forEach(function (x) {
      origStart[folded.length] = x.s;
      folded += String.fromCodePoint(x.c);
      origEnd[folded.length] = x.e;
    });
    origStart[folded.length] = text.length;
    text = folded;
    var out = [];
    var buf = [];
    function flush() {
      if (buf.length === 1) out.push({ term: buf[0].term, type: "single", start: buf[0].start, end: buf[0].end });
      buf = [];
    }
    tokenize(text).forEach(function (t) {
      var term = foldTerm(t.text);
      if (!t.ideo) {
        flush();
        out.push({ term: term, type: "word", start: t.start, end: t.end });
        return;
      }
      // Each character of a Japanese word is a token; adjacent ones pair up.
      var start = t.start;
      chars(term).forEach(function (c) {
        var tok = { term: c, start: start, end: start + c.length };
        start += c.length;
        if (buf.length > 0 && tok.start !== buf[buf.length - 1].end) flush();
        buf.push(tok);
        if (buf.length > 2) buf.shift();
        if (buf.length === 2) out.push({ term: buf[0].term + buf[1].term, type: "double", start: buf[0].start, end: buf[1].end });
      });
    });
    flush();
    // Positions, from 1, with runGap free after each run of bigrams
    // (search.gapRuns).
    var pos = 0;
    out.forEach(function (t, i) {
      var prev = out[i - 1];
      pos++;
      if (prev && prev.type === "double" && (t.type !== "double" || t.start >= prev.end)) pos += runGap;
      t.pos = pos;
    });
    out.forEach(function (t) {
      t.start = origStart[t.start];
      t.end = origEnd[t.end];
    });
    return out;
  }

  // runGap is search.runGap: the positions left free after a run of
  // bigrams, so that two bigrams two places apart are of one run.
  var runGap = 2;

  // ---- Compiling a query (search.compile) -------------------------------

  function isJapanese(c) {
    return c !== "" && (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(c) || c === "ー" || c === "々");
  }

  function joinJapanese(text) {
    var a = chars(text);
    if (!a.some(isSpace)) return text;
    var out = "";
    var last = "";
    for (var i = 0; i < a.length; i++) {
      var c = a[i];
      if (isSpace(c)) {
        var j = i;
        while (j < a.length && isSpace(a[j])) j++;
        var next = j < a.length ? a[j] : "";
        if (isJapanese(last) && isJapanese(next)) continue;
      }
      out += c;
      if (!isSpace(c)) last = c;
    }
    return out;
  }

  var keepFirst = 1;
  var keepLast = 2;

  function facetIndex(known, v) {
    for (var i = 0; i < known.length; i++) {
      if (known[i].id === v || (known[i].number && known[i].number === v)) return i;
    }
    return -1;
  }

  // compile resolves filters and analyses the words; it loads the entries
  // of lone characters, whose bigrams it needs.
  function compile(m, pq) {
    var c = { words: [], filter: {}, narrow: new Map(), ranked: false, none: false };
    var filters = 0;
    m.facetKinds.forEach(function (k) {
      c.filter[k.key] = [];
      pq.filters[k.key].forEach(function (v) {
        var i = facetIndex(m.facets[k.list] || [], v);
        if (i < 0) throw new QueryError("query.unknown_value", { facet: k.key, value: v });
        c.filter[k.key].push(i);
        filters++;
      });
    });
    // Per term, the analysis of each text it is looked for as.
    var analysed = pq.terms.map(function (t) {
      return alternatives(m, t).map(function (text) {
        return analyze(joinJapanese(text));
      });
    });
    var singles = [];
    analysed.forEach(function (alts) {
      alts.forEach(function (tokens) {
        tokens.forEach(function (t, i) {
          if (t.type === "single" && chars(t.term).length === 1 && (i === 0 || i === tokens.length - 1)) singles.push(t.term);
        });
        // A lone kanji has a word entry (staticsearch.wordPhrases), which
        // comes in the same round as the character's own.
        if (alts.length === 1 && tokens.length === 1 && reHanOnly.test(tokens[0].term)) singles.push(loneKey(tokens[0].term));
      });
    });
    return termEntries(m, singles).then(function (entries) {
      var plain = new Set();
      var words = 0;
      var searchable = 0;
      var excluded = 0;
      pq.terms.forEach(function (t, ti) {
        if (!t.exclude) words++;
        var phrases = [];
        analysed[ti].forEach(function (tokens) {
          var positions = positionsOf(tokens, entries, c.narrow, plain);
          if (positions === null) return;
          phrases.push({
            positions: positions,
            bigrams: bigramsAt(tokens),
            // No word of the vocabulary holds hiragana: such a phrase
            // (ログの監視) has no entry of its own to ask for.
            entryless: tokens.some(function (t) {
              return reHiragana.test(t.term);
            }),
            rarest: [0, 0],
          });
        });
        if (phrases.length === 0) return;
        c.words.push({ phrases: phrases, exclude: t.exclude });
        if (t.exclude) excluded++;
        else searchable++;
      });
      plain.forEach(function (term) {
        c.narrow.delete(term);
      });
      if (searchable === 0 && words > 0) return { none: true };
      if (searchable + filters === 0 && excluded > 0) {
        throw new QueryError("query.only_excluded");
      }
      if (searchable + filters === 0) throw new QueryError("query.empty");
      c.ranked = searchable > 0;
      return c;
    });
  }

  // synonymKey is the terms of a text as a query word (search.synonymKey).
  function synonymKey(text) {
    return analyze(joinJapanese(text))
      .map(function (t) {
        return t.term;
      })
      .join("\u0000");
  }

  // alternatives returns the texts a query term is looked for as
  // (Index.alternatives): itself, and the rest of its synonym group.
  function alternatives(m, t) {
    var out = [t.text];
    if (t.quoted || t.exclude) return out;
    var key = synonymKey(t.text);
    (m.synonymIndex.get(key) || []).forEach(function (other) {
      if (synonymKey(other) !== key) out.push(other);
    });
    return out;
  }

  function positionsOf(tokens, entries, narrow, plain) {
    if (tokens.length === 0) return null;
    // One place per position from the first token's: the gaps after runs
    // of bigrams are places skipped.
    var first = tokens[0].pos;
    var out = [];
    for (var k = first; k <= tokens[tokens.length - 1].pos; k++) out.push([""]);
    tokens.forEach(function (t, i) {
      out[t.pos - first] = alternativesAt(t, i);
    });
    function alternativesAt(t, i) {
      var alts = [t.term];
      if (t.type !== "single" || chars(t.term).length !== 1) {
        plain.add(t.term);
        return alts;
      }
      var e = entries[t.term];
      if (i === tokens.length - 1 && e && e[2]) {
        e[2].forEach(function (b) {
          alts.push(b);
          narrow.set(b, (narrow.get(b) || 0) | keepFirst);
        });
      }
      if (i === 0 && e && e[3]) {
        e[3].forEach(function (b) {
          alts.push(b);
          narrow.set(b, (narrow.get(b) || 0) | keepLast);
        });
      }
      return alts;
    }
    // Skip every other bigram of a run of overlapping ones (skipCovered).
    for (var i = 1; i + 1 < tokens.length; i++) {
      var before = out[tokens[i - 1].pos - first];
      if (
        tokens[i - 1].type === "double" &&
        tokens[i].type === "double" &&
        tokens[i + 1].type === "double" &&
        tokens[i - 1].end > tokens[i].start &&
        tokens[i].end > tokens[i + 1].start &&
        before.length === 1 &&
        before[0] !== ""
      ) {
        out[tokens[i].pos - first] = [""];
      }
    }
    return out;
  }

  // bigramsAt returns the bigram of each position of a phrase that holds
  // one, by position from the first token's.
  function bigramsAt(tokens) {
    var out = [];
    tokens.forEach(function (t) {
      if (t.type === "double") out[t.pos - tokens[0].pos] = t.term;
    });
    return out;
  }

  // coveredOf returns the bigrams that skipCovered left out of a phrase's
  // positions: a place of the phrase holds them too, since the bigrams
  // around each are of one run (runGap).
  function coveredOf(p) {
    return p.bigrams.filter(function (b, i) {
      return b !== undefined && skipped(p.positions[i]);
    });
  }

  // cheapCover returns the places a phrase is matched at in the index:
  // per run of bigrams, the first, the last and between them the fewest
  // occurrences that leave no two kept bigrams more than two places apart.
  // Since the gap between runs (runGap) such bigrams are of one run, so
  // any such cover finds the places the plan's finds; the plan's own
  // (slotsOf) keeps every other bigram whatever it costs, and is kept for
  // a phrase with a lone character's alternatives.
  function cheapCover(p, entries) {
    var slots = slotsOf(p);
    if (
      slots.some(function (s) {
        return s.terms.length !== 1;
      })
    )
      return slots;
    var size = function (t) {
      var e = entries[t];
      return e ? e[0].length + e[1].length : 0;
    };
    var out = [];
    var n = p.positions.length;
    for (var i = 0; i < n; ) {
      if (!p.bigrams[i]) {
        if (!skipped(p.positions[i])) out.push({ offset: i, terms: p.positions[i] });
        i++;
        continue;
      }
      var j = i;
      while (j < n && p.bigrams[j]) j++;
      // cost[k] is the least size of a cover of i up to k that keeps k,
      // from[k] the place kept before k.
      var cost = [];
      var from = [];
      for (var k = i; k < j; k++) {
        from[k] = k === i ? -1 : k - 2 >= i && cost[k - 2] < cost[k - 1] ? k - 2 : k - 1;
        cost[k] = (k === i ? 0 : cost[from[k]]) + size(p.bigrams[k]);
      }
      var kept = [];
      for (k = j - 1; k >= i; k = from[k]) kept.unshift({ offset: k, terms: [p.bigrams[k]] });
      Array.prototype.push.apply(out, kept);
      i = j;
    }
    return out;
  }

  // ---- Executing (search.collect, exec.go) -----------------------------

  // decoded holds the postings decoded so far, by term (see run).
  var decoded = new Map();

  function skipped(alts) {
    return alts.length === 1 && alts[0] === "";
  }

  function run(m, c, from, size) {
    var empty = { total: 0, best: [], tally: newTally(m) };
    if (c.none) return Promise.resolve(empty);
    // A word of one phrase may have an entry of its own (a word of the
    // vocabulary, a lone kanji: staticsearch.wordPhrases): it is loaded
    // first, and the terms' postings only for a word that has none.
    //
    // A phrase of several positions needs its terms' positions, which for a
    // common term are many times its sections: they are asked for only
    // once its terms and the bigrams it skips (coveredOf) are known to
    // be in the index, since a phrase that holds a bigram the index does
    // not (インシデント対応 in a book that never writes it whole) matches
    // nothing.
    var terms = new Set();
    var keys = [];
    // addTerms asks for the terms of a phrase, and for the bigrams it
    // skips when it has several positions to match.
    function addTerms(p) {
      p.positions.forEach(function (alts) {
        alts.forEach(function (t) {
          if (t !== "") terms.add(t);
        });
      });
      if (slotsOf(p).length > 1) {
        coveredOf(p).forEach(function (t) {
          terms.add(t);
        });
      }
    }
    // Every phrase of every word.
    var phrases = [];
    c.words.forEach(function (w) {
      w.phrases.forEach(function (p) {
        p.word = null;
        p.none = false;
        p.match = null;
        phrases.push(p);
        if (w.phrases.length === 1 && hasWordEntry(p)) keys.push(wordKey(p));
        else addTerms(p);
      });
    });
    // more loads the entries of the terms asked for since, into entries.
    function more(entries) {
      var list = Array.from(terms);
      terms = new Set();
      if (list.length === 0) return entries;
      return termEntries(m, list).then(function (found) {
        return Object.assign(entries, found);
      });
    }
    return termEntries(m, Array.from(terms).concat(keys))
      .then(function (entries) {
        terms = new Set();
        c.words.forEach(function (w) {
          w.phrases.forEach(function (p) {
            if (w.phrases.length !== 1 || !hasWordEntry(p)) return;
            var e = entries[wordKey(p)];
            if (e) p.word = wordEntry(wordKey(p), e);
            else addTerms(p);
          });
        });
        return more(entries);
      })
      .then(function (entries) {
        // The positions of the phrases that may match.
        phrases.forEach(function (p) {
          var slots = slotsOf(p);
          if (p.word || slots.length < 2) return;
          var missing = function (t) {
            return !Object.prototype.hasOwnProperty.call(entries, t);
          };
          p.none =
            coveredOf(p).some(missing) ||
            slots.some(function (s) {
              return s.terms.every(missing);
            });
          if (p.none) return;
          p.match = cheapCover(p, entries);
          p.match.forEach(function (s) {
            s.terms.forEach(function (t) {
              if (missing(positionsKey(t))) terms.add(positionsKey(t));
            });
          });
        });
        return more(entries);
      })
      .then(function (entries) {
        // postings returns the decoded postings of term in field f, decoded
        // once per index: the same terms come back as the reader types. They
        // hold positions when these were loaded.
        function postings(term, f) {
          var byField = decoded.get(term);
          var e = entries[term];
          var pe = entries[positionsKey(term)];
          if (!byField || (pe && !byField.positions)) {
            byField = { fields: [null, null], positions: !!pe };
            decoded.set(term, byField);
          }
          if (!byField.fields[f]) byField.fields[f] = decode(e ? e[f] : "", pe ? pe[f] : null);
          return byField.fields[f];
        }
        var nFields = 2;
        // pickRarest, for each phrase of each word.
        phrases.forEach(function (w) {
          if (w.positions.length === 1 || w.word) return;
          for (var f = 0; f < nFields; f++) {
            w.rarest[f] = -1;
            var least = 0;
            w.positions.forEach(function (alts, i) {
              if (skipped(alts)) return;
              var n = 0;
              alts.forEach(function (t) {
                n += postings(t, f).docs.length;
              });
              if (w.rarest[f] < 0 || n < least) {
                w.rarest[f] = i;
                least = n;
              }
            });
          }
        });
        // First pass: candidates. Sets of sections are arrays of flags, one
        // per section of the index.
        var nDocs = m.docs;
        var cand = new Uint8Array(nDocs).fill(1);
        m.facetKinds.forEach(function (k) {
          c.filter[k.key].forEach(function (v) {
            for (var d = 0; d < nDocs; d++) if (m.values[k.key][d].indexOf(v) < 0) cand[d] = 0;
          });
        });
        // wordSet flags the sections whose field f holds the word's rarest
        // term; its size is the number of sections flagged.
        function wordSet(w, f) {
          var set = new Uint8Array(nDocs);
          var n = 0;
          if (w.phrases[0].word) {
            var docs = w.phrases[0].word.fields[f].docs;
            for (var i = 0; i < docs.length; i++) set[docs[i]] = 1;
            return { has: set, size: w.phrases[0].word.df[f] };
          }
          w.phrases.forEach(function (p) {
            p.positions[p.rarest[f]].forEach(function (t) {
              var docs = postings(t, f).docs;
              for (var i = 0; i < docs.length; i++) {
                if (!set[docs[i]]) {
                  set[docs[i]] = 1;
                  n++;
                }
              }
            });
          });
          return { has: set, size: n };
        }
        var must = c.words.filter(function (w) {
          return !w.exclude;
        });
        var excl = c.words.filter(function (w) {
          return w.exclude;
        });
        var may = [];
        var df = [];
        must.forEach(function (w, wi) {
          may[wi] = [];
          df[wi] = [];
          var either = new Uint8Array(nDocs);
          for (var f = 0; f < nFields; f++) {
            var s = wordSet(w, f);
            may[wi][f] = s.has;
            df[wi][f] = s.size;
            for (var d = 0; d < nDocs; d++) either[d] |= s.has[d];
          }
          for (d = 0; d < nDocs; d++) if (!either[d]) cand[d] = 0;
        });
        var docs = [];
        for (var d = 0; d < nDocs; d++) if (cand[d]) docs.push(d);
        // Second pass: phrases.
        function norm(f, d) {
          return Math.fround(1 / Math.sqrt(m.lengths[f][d]));
        }
        // match returns how often word w occurs in field f of section d: the
        // sum over its phrases, as the server's matcher does.
        function match(w, f, d) {
          var tf = 0;
          for (var i = 0; i < w.phrases.length; i++) tf += matchPhrase(w.phrases[i], f, d);
          return tf;
        }
        function matchPhrase(w, f, d) {
          if (w.none) return 0;
          if (w.word) return w.word.fields[f].count(d);
          var slots = slotsOf(w);
          if (slots.length === 1) {
            var tf = 0;
            var terms = slots[0].terms;
            for (var i = 0; i < terms.length; i++) tf += postings(terms[i], f).count(d);
            return tf;
          }
          return phraseStarts(w.match || slots, f, d, postings).length;
        }
        // tfs[(di × words + wi) × fields + f] is word wi's count in field f
        // of section docs[di].
        var nMust = must.length;
        var tfs = new Int32Array(docs.length * nMust * nFields);
        var keep = new Uint8Array(docs.length).fill(1);
        must.forEach(function (w, wi) {
          for (var di = 0; di < docs.length; di++) {
            var d = docs[di];
            var any = false;
            for (var f = 0; f < nFields; f++) {
              var tf = keep[di] && may[wi][f][d] ? match(w, f, d) : 0;
              tfs[(di * nMust + wi) * nFields + f] = tf;
              if (tf > 0) any = true;
            }
            if (!any) keep[di] = 0;
          }
        });
        excl.forEach(function (w) {
          var suspects = [];
          for (var f = 0; f < nFields; f++) suspects[f] = wordSet(w, f).has;
          docs.forEach(function (d, di) {
            for (var f = 0; f < nFields; f++) {
              if (keep[di] && suspects[f][d] && match(w, f, d) > 0) keep[di] = 0;
            }
          });
        });
        // Scores, with the statistics of the whole index.
        var weights = must.map(function (w, wi) {
          return m.params.boosts.map(function (b, f) {
            var x = b;
            x *= 1 + Math.log(nDocs / (df[wi][f] + 1));
            return x;
          });
        });
        var tally = newTally(m);
        // The best from + size hits, in order: of equal scores the section
        // that comes first, as sections come here in ascending order. The
        // others are only counted.
        var want = from + size;
        var best = [];
        var total = 0;
        for (var di = 0; di < docs.length; di++) {
          if (!keep[di]) continue;
          d = docs[di];
          total++;
          tally.add(m, d);
          var score = 0;
          if (c.ranked) {
            for (var wi = 0; wi < nMust; wi++) {
              var word = 0;
              var fields = 0;
              for (var f = 0; f < nFields; f++) {
                var tf = tfs[(di * nMust + wi) * nFields + f];
                if (tf > 0) {
                  word += weights[wi][f] * Math.sqrt(tf) * norm(f, d);
                  fields++;
                }
              }
              score += (word * fields) / nFields;
            }
          }
          if (best.length === want && !(score > best[want - 1].score)) continue;
          var lo = 0;
          var hi = best.length;
          while (lo < hi) {
            var mid = (lo + hi) >>> 1;
            if (best[mid].score >= score) lo = mid + 1;
            else hi = mid;
          }
          best.splice(lo, 0, { doc: d, score: score });
          if (best.length > want) best.pop();
        }
        return { total: total, best: best, tally: tally };
      });
  }

  // hasWordEntry tells whether a phrase may have an entry of its own:
  // several positions to match, or a lone character's bigrams, and no
  // hiragana.
  function hasWordEntry(p) {
    return !p.entryless && (slotsOf(p).length > 1 || p.positions[0].length > 1);
  }

  // positionsKey is staticsearch.PositionsKey.
  function positionsKey(term) {
    return "!" + term;
  }

  // wordKey is staticsearch.WordKey of a phrase.
  function wordKey(p) {
    return p.positions
      .map(function (alts) {
        return " " + alts[0] + (alts.length > 1 ? "*" : "");
      })
      .join("");
  }

  // loneKey is the wordKey of a kanji standing alone: itself and the
  // bigrams it stands for, in one position.
  function loneKey(c) {
    return wordKey({ positions: [[c, c]] });
  }

  // decodedWords holds the word entries decoded so far, by key.
  var decodedWords = new Map();

  // wordEntry decodes a word's entry: per field, its sections and how
  // often it occurs in each (staticsearch.countList, as Postings without
  // positions), and the number of sections the score's inverse document
  // frequency counts.
  function wordEntry(key, e) {
    var w = decodedWords.get(key);
    if (!w) {
      w = { fields: [decode(e[0], null), decode(e[1], null)], df: [e[2], e[3]] };
      decodedWords.set(key, w);
    }
    return w;
  }

  // slotsOf returns the positions of a word that hold terms, with their
  // offsets in the phrase (the executor's slots), computed once per word.
  function slotsOf(w) {
    if (!w.slots) {
      w.slots = [];
      w.positions.forEach(function (alts, i) {
        if (!skipped(alts)) w.slots.push({ offset: i, terms: alts });
      });
    }
    return w.slots;
  }

  // phraseStarts returns the start positions of the phrase of slots in
  // document d's field f.
  function phraseStarts(slots, f, d, postings) {
    // Per slot, the position lists of its terms that occur in d.
    var lists = [];
    for (var k = 0; k < slots.length; k++) {
      var found = [];
      for (var ti = 0; ti < slots[k].terms.length; ti++) {
        var p = postings(slots[k].terms[ti], f).get(d);
        if (p) found.push(p);
      }
      if (found.length === 0) return [];
      lists.push(found);
    }
    var starts = [];
    lists[0].forEach(function (first) {
      for (var j = 0; j < first.length; j++) {
        if (first[j] < slots[0].offset) continue;
        var start = first[j] - slots[0].offset;
        var all = true;
        for (var k = 1; k < slots.length && all; k++) {
          var want = start + slots[k].offset;
          all = lists[k].some(function (p) {
            return p.indexOf(want) >= 0;
          });
        }
        if (all) starts.push(start);
      }
    });
    return starts;
  }

  // newTally counts hits by facet value.
  function newTally(m) {
    var counts = {};
    m.facetKinds.forEach(function (k) {
      counts[k.key] = (m.facets[k.list] || []).map(function () {
        return 0;
      });
    });
    return {
      add: function (m, d) {
        for (var k = 0; k < m.facetKinds.length; k++) {
          var key = m.facetKinds[k].key;
          var values = m.values[key][d];
          var n = counts[key];
          for (var i = 0; i < values.length; i++) n[values[i]]++;
        }
      },
      facets: function (m) {
        var out = {};
        m.facetKinds.forEach(function (k) {
          out[k.list] = [];
          (m.facets[k.list] || []).forEach(function (f, i) {
            if (counts[k.key][i] > 0) out[k.list].push({ id: f.id, label: f.label, count: counts[k.key][i] });
          });
        });
        return out;
      },
    };
  }

  // ---- Hits and snippets (searcher.go, snippet.go) ------------------------

  function docRecord(m, d) {
    var k = Math.floor(d / m.docsPerChunk);
    return load("d-" + pad3(k)).then(function (chunk) {
      return chunk[d - k * m.docsPerChunk];
    });
  }

  // fieldTokens analyses a hit's field again, as the index did: the index
  // stores neither offsets nor, for words with entries of their own,
  // positions. It returns where each token lies, by position - 1, and a
  // postings function for this section alone.
  function fieldTokens(text, d) {
    var tokens = analyze(text);
    var byTerm = new Map();
    var offsets = [];
    tokens.forEach(function (t) {
      var list = byTerm.get(t.term);
      if (!list) byTerm.set(t.term, (list = []));
      list.push(t.pos);
      offsets[t.pos - 1] = [t.start, t.end];
    });
    return {
      offsets: offsets,
      postings: function (term) {
        return {
          get: function (doc) {
            return doc === d ? byTerm.get(term) : undefined;
          },
        };
      },
    };
  }

  function hitOf(m, c, d, score) {
    return docRecord(m, d).then(function (rec) {
      // rec: url, number, title, path, body, chapter, roles, level
      var spans = [[], []];
      var fields = [null, null];
      var phrases = [];
      c.words.forEach(function (w) {
        if (!w.exclude) Array.prototype.push.apply(phrases, w.phrases);
      });
      phrases.forEach(function (w) {
        for (var f = 0; f < 2; f++) {
          var here = fields[f] || (fields[f] = fieldTokens(rec[f === 0 ? 2 : 4], d));
          var offs = here.offsets;
          var postings = here.postings;
          var slots = slotsOf(w);
          var add = function (term, pos) {
            var o = offs[pos - 1];
            var s = { start: o[0], end: o[1] };
            var keep = c.narrow.get(term) || 0;
            if (keep === keepFirst) s.end = Math.min(s.end, s.start + String.fromCodePoint(term.codePointAt(0)).length);
            else if (keep === keepLast) {
              var lastChar = chars(term).pop();
              s.start = Math.max(s.start, s.end - lastChar.length);
            }
            spans[f].push(s);
          };
          if (slots.length === 1) {
            slots[0].terms.forEach(function (t) {
              var p = postings(t, f).get(d);
              if (p) p.forEach(function (pos) {
                add(t, pos);
              });
            });
          } else {
            phraseStarts(slots, f, d, postings).forEach(function (start) {
              slots.forEach(function (s) {
                s.terms.forEach(function (t) {
                  var p = postings(t, f).get(d);
                  if (p && p.indexOf(start + s.offset) >= 0) add(t, start + s.offset);
                });
              });
            });
          }
        }
      });
      var hit = {
        url: rec[0],
        title: rec[2],
        title_html: markAll(rec[2], spans[0]),
        path: rec[3],
        snippet: snippet(m.params, rec[4], spans[1]),
      };
      if (rec[5]) hit.chapter = rec[5];
      if (rec[6].length) hit.roles = rec[6];
      if (rec[7]) hit.level = rec[7];
      hit.score = score;
      if (rec[1]) {
        hit.title = rec[1] + " " + rec[2];
        hit.title_html = markAll(rec[1], []) + " " + hit.title_html;
      }
      return hit;
    });
  }

  function escapeHTML(s) {
    return s.replace(/[&'<>"]/g, function (c) {
      return { "&": "&amp;", "'": "&#39;", "<": "&lt;", ">": "&gt;", '"': "&#34;" }[c];
    });
  }

  function isLow(s, i) {
    var u = s.charCodeAt(i);
    return u >= 0xdc00 && u <= 0xdfff;
  }

  function normalize(text, spans) {
    var out = [];
    spans.forEach(function (s0) {
      var s = { start: Math.max(0, Math.min(s0.start, text.length)), end: 0 };
      s.end = Math.max(s.start, Math.min(s0.end, text.length));
      while (s.start > 0 && s.start < text.length && isLow(text, s.start)) s.start--;
      while (s.end < text.length && isLow(text, s.end)) s.end++;
      if (s.end > s.start) out.push(s);
    });
    out.sort(function (a, b) {
      return a.start - b.start;
    });
    var merged = [];
    out.forEach(function (s) {
      var n = merged.length;
      if (n > 0 && trimSpace(text.slice(Math.min(merged[n - 1].end, s.start), s.start)) === "") {
        merged[n - 1].end = Math.max(merged[n - 1].end, s.end);
        return;
      }
      merged.push(s);
    });
    return merged;
  }

  function markAll(text, spans) {
    return mark(text, normalize(text, spans), 0, text.length);
  }

  function snippet(params, text, spans) {
    text = text.replace(/[\n\r\t]/g, " ");
    spans = normalize(text, spans);
    var start = 0;
    if (spans.length > 0) {
      var best = 0;
      var bestCount = 0;
      spans.forEach(function (s, i) {
        var limit = advance(text, s.start, params.snippetRunes - params.snippetLead);
        var count = 0;
        for (var j = i; j < spans.length; j++) if (spans[j].end <= limit) count++;
        if (count > bestCount) {
          best = i;
          bestCount = count;
        }
      });
      start = back(text, spans[best].start, params.snippetLead);
    }
    var end = advance(text, start, params.snippetRunes);
    var out = start > 0 ? "…" : "";
    out += mark(text, spans, start, end);
    if (end < text.length) out += "…";
    return out;
  }

  function mark(text, spans, from, to) {
    var out = "";
    var pos = from;
    spans.forEach(function (s0) {
      var s = { start: Math.max(s0.start, from), end: Math.min(s0.end, to) };
      if (s.start >= s.end || s.start < pos) return;
      out += escapeHTML(text.slice(pos, s.start)) + "<mark>" + escapeHTML(text.slice(s.start, s.end)) + "</mark>";
      pos = s.end;
    });
    return out + escapeHTML(text.slice(pos, to));
  }

  function advance(text, i, n) {
    for (; n > 0 && i < text.length; n--) i += text.codePointAt(i) > 0xffff ? 2 : 1;
    return i;
  }

  function back(text, i, n) {
    var j = i;
    for (; n > 0 && j > 0; n--) j -= j >= 2 && isLow(text, j - 1) ? 2 : 1;
    if (j === 0) return 0;
    var part = text.slice(j, i);
    var k = -1;
    for (var x = part.length - 1; x >= 0; x--) {
      if ("。．！？ ".indexOf(part[x]) >= 0) {
        k = x;
        break;
      }
    }
    if (k >= 0) return j + k + 1;
    return j;
  }

  // ---- Did you mean (suggest.go) -------------------------------------------

  // suggestKey is search.suggestKey: folded and lower-cased.
  function suggestKey(text) {
    return foldTerm(fold(joinJapanese(text)));
  }

  // editDistance is the Levenshtein distance of two arrays of code points.
  function editDistance(a, b) {
    var prev = [];
    var cur = [];
    for (var j = 0; j <= b.length; j++) prev[j] = j;
    for (var i = 1; i <= a.length; i++) {
      cur[0] = i;
      for (var k = 1; k <= b.length; k++) {
        cur[k] = Math.min(prev[k] + 1, cur[k - 1] + 1, prev[k - 1] + (a[i - 1] === b[k - 1] ? 0 : 1));
      }
      var t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length];
  }

  // nearest is Vocabulary.nearest.
  function nearest(v, key, n) {
    var k = codePoints(key);
    var limit = k.length > 4 ? 2 : 1;
    var found = [];
    v.words.forEach(function (w, i) {
      var wr = codePoints(w);
      if (wr.length > k.length + limit || wr.length < k.length - limit) return;
      var d = editDistance(k, wr);
      if (d > 0 && d <= limit) found.push({ dist: d, pos: i });
    });
    found.sort(function (a, b) {
      return a.dist - b.dist || a.pos - b.pos;
    });
    return found.slice(0, n).map(function (c) {
      return c.pos;
    });
  }

  // queryString is Query.String: the canonical form of a parsed query.
  function queryString(m, pq) {
    var parts = pq.terms.map(function (t) {
      var s = t.quoted ? '"' + t.text + '"' : t.text;
      return t.exclude ? "-" + s : s;
    });
    m.facetKinds.forEach(function (k) {
      pq.filters[k.key].forEach(function (v) {
        parts.push(k.key + ":" + v);
      });
    });
    return parts.join(" ");
  }

  // suggest is Index.suggest: queries to try instead of typed, which found
  // nothing.
  function suggest(m, typed) {
    var failing = [];
    var checks = typed.terms.map(function (t, i) {
      if (t.exclude) return Promise.resolve();
      var alone = { terms: [t], filters: {} };
      m.facetKinds.forEach(function (k) {
        alone.filters[k.key] = [];
      });
      return compile(m, alone).then(
        function (c) {
          if (c.none) return;
          return run(m, c, 0, 1).then(function (r) {
            if (r.total === 0) failing.push(i);
          });
        },
        function () {}
      );
    });
    return Promise.all(checks).then(function () {
      if (failing.length === 0) return [];
      failing.sort(function (a, b) {
        return a - b;
      });
      return load("vocab").then(function (v) {
        var choices = failing.map(function (i, j) {
          return nearest(v, suggestKey(typed.terms[i].text), j === 0 ? m.params.maxSuggestions : 1);
        });
        var n = 0;
        choices.forEach(function (c) {
          n = Math.max(n, c.length);
        });
        var out = [];
        for (var k = 0; k < n; k++) {
          var q = { terms: typed.terms.slice(), filters: typed.filters };
          failing.forEach(function (i, j) {
            var c = choices[j];
            if (c.length === 0) return;
            var pos = c[Math.min(k, c.length - 1)];
            var shown = Object.prototype.hasOwnProperty.call(v.shown, String(pos)) ? v.shown[String(pos)] : v.words[pos];
            q.terms[i] = { text: shown, quoted: q.terms[i].quoted, exclude: q.terms[i].exclude };
          });
          var s = queryString(m, q);
          if (out.indexOf(s) < 0) out.push(s);
        }
        return out;
      });
    });
  }

  // ---- The API --------------------------------------------------------------

  // search answers a request {q, filters: {key: value}, from, size} as the
  // server's /api/search does; it rejects with {error} for a bad query.
  // Each hit needs its section's file, about one file a hit: onPartial,
  // when given, is called with the answer so far each time more of its
  // first hits are ready (hits holding those, pending the number still
  // loading), so that a page can show them before the last file comes.
  function search(req, onPartial) {
    return meta().then(function (m) {
      var p = m.params;
      var size = req.size || p.defaultSize;
      var from = req.from || 0;
      if (size < 1 || size > p.maxSize) throw new QueryError("query.size_range", { max: String(p.maxSize) });
      if (from < 0 || from > p.maxFrom) throw new QueryError("query.from_range", { max: String(p.maxFrom) });
      var pq = parseQuery(req.q || "", m);
      var typed = parseQuery(req.q || "", m);
      m.facetKinds.forEach(function (k) {
        if (req.filters && req.filters[k.key]) pq.filters[k.key].push(req.filters[k.key]);
      });
      var started = performance.now();
      return compile(m, pq).then(function (c) {
        return run(m, c, from, size).then(function (r) {
          var chosen = r.best.slice(from);
          var facets = r.tally.facets(m);
          var answer = function (hits) {
            return {
              query: req.q || "",
              total: r.total,
              took_ms: Math.round((performance.now() - started) * 1000) / 1000,
              from: from,
              size: size,
              hits: hits,
              facets: facets,
              facet_kinds: m.facetKinds,
            };
          };
          var ready = [];
          var shown = 0;
          return Promise.all(
            chosen.map(function (h, i) {
              return hitOf(m, c, h.doc, h.score).then(function (hit) {
                ready[i] = hit;
                var n = shown;
                while (n < chosen.length && ready[n]) n++;
                if (onPartial && n > shown && n < chosen.length) {
                  shown = n;
                  var partial = answer(ready.slice(0, n));
                  partial.pending = chosen.length - n;
                  onPartial(partial);
                }
                return hit;
              });
            })
          ).then(function (hits) {
            var out = answer(hits);
            if (r.total > 0) return out;
            return suggest(m, typed).then(function (s) {
              if (s.length) out.suggestions = s;
              return out;
            });
          });
        });
      });
    }).catch(function (err) {
      if (err instanceof QueryError) return Promise.reject({ error: queryText(err), key: err.key, args: err.args });
      var t = window.kbText;
      return Promise.reject({ error: t ? t("search.index_unreadable") : "search.index_unreadable", cause: err });
    });
  }

  window.kbStaticSearch = {
    // open sets the URL of the index folder.
    open: function (url) {
      if (url !== base) {
        base = url;
        metaPromise = null;
        loaded = {};
        decoded = new Map();
        decodedWords = new Map();
      }
    },
    search: search,
    // facetKinds resolves to the facets of the index (search.FacetKinds).
    facetKinds: function () {
      return meta().then(function (m) {
        return m.facetKinds;
      });
    },
    // analyze and parseQuery are exposed for tests that compare them
    // with the server's.
    analyze: function (s) {
      return meta().then(function () {
        return analyze(s);
      });
    },
    parseQuery: function (s) {
      return meta().then(function (m) {
        return parseQuery(s, m);
      });
    },
  };
})();
