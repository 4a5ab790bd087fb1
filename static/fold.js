/* wenji text folding, shared by the search page (search-engine.js, search-page.js) and the
   highlighting of speech pages (highlight.js): a query, the index and the page text are compared
   the same way, as wenji/search/terms.py folds the text it indexes. Exports window.wenjiText. */
(function (root) {
  "use strict";

  /* Characters whose Unicode case folding differs from toLowerCase() after NFKC (from
     wenji.search.terms.casefold_extras(); a test keeps this copy equal to it). */
  var EXTRA = {"ß":"ss","ǰ":"ǰ","ͅ":"ι","ͺ":" ι","ΐ":"ΐ","ΰ":"ΰ","ς":"σ","ϲ":"σ","ᲀ":"в","ᲁ":"д","ᲂ":"о","ᲃ":"с","ᲄ":"т","ᲅ":"т","ᲆ":"ъ","ᲇ":"ѣ","ᲈ":"ꙋ","ẖ":"ẖ","ẗ":"ẗ","ẘ":"ẘ","ẙ":"ẙ","ẞ":"ss","ὐ":"ὐ","ὒ":"ὒ","ὔ":"ὔ","ὖ":"ὖ","ᾀ":"ἀι","ᾁ":"ἁι","ᾂ":"ἂι","ᾃ":"ἃι","ᾄ":"ἄι","ᾅ":"ἅι","ᾆ":"ἆι","ᾇ":"ἇι","ᾈ":"ἀι","ᾉ":"ἁι","ᾊ":"ἂι","ᾋ":"ἃι","ᾌ":"ἄι","ᾍ":"ἅι","ᾎ":"ἆι","ᾏ":"ἇι","ᾐ":"ἠι","ᾑ":"ἡι","ᾒ":"ἢι","ᾓ":"ἣι","ᾔ":"ἤι","ᾕ":"ἥι","ᾖ":"ἦι","ᾗ":"ἧι","ᾘ":"ἠι","ᾙ":"ἡι","ᾚ":"ἢι","ᾛ":"ἣι","ᾜ":"ἤι","ᾝ":"ἥι","ᾞ":"ἦι","ᾟ":"ἧι","ᾠ":"ὠι","ᾡ":"ὡι","ᾢ":"ὢι","ᾣ":"ὣι","ᾤ":"ὤι","ᾥ":"ὥι","ᾦ":"ὦι","ᾧ":"ὧι","ᾨ":"ὠι","ᾩ":"ὡι","ᾪ":"ὢι","ᾫ":"ὣι","ᾬ":"ὤι","ᾭ":"ὥι","ᾮ":"ὦι","ᾯ":"ὧι","ᾲ":"ὰι","ᾳ":"αι","ᾴ":"άι","ᾶ":"ᾶ","ᾷ":"ᾶι","ᾼ":"αι","ῂ":"ὴι","ῃ":"ηι","ῄ":"ήι","ῆ":"ῆ","ῇ":"ῆι","ῌ":"ηι","ῒ":"ῒ","ΐ":"ΐ","ῖ":"ῖ","ῗ":"ῗ","ῢ":"ῢ","ΰ":"ΰ","ῤ":"ῤ","ῦ":"ῦ","ῧ":"ῧ","ῲ":"ὼι","ῳ":"ωι","ῴ":"ώι","ῶ":"ῶ","ῷ":"ῶι","ῼ":"ωι","𝛓":"σ","𝜍":"σ","𝝇":"σ","𝞁":"σ","𝞻":"σ"};
  /* Traditional to simplified, character for character (static/vendor/opencc/t2s.js, loaded
     first; as wenji.search.terms.simplify). */
  var T2S = Object.create(null);
  (function (pair) {
    var trad = Array.from(pair[0]), simp = Array.from(pair[1]);
    for (var i = 0; i < trad.length; i++) T2S[trad[i]] = simp[i];
  })(root.wenjiT2S || ["", ""]);
  var MASKS = /[*\u00d7\u2573]/g;
  var XRUN = /(?<![a-z])x+(?![a-z])/g;
  var SPACE = /[\t-\r\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;  /* Python's str.split() */
  var RUN = /[\p{L}\p{N}\p{M}\u00d7]+/gu;
  var cache = Object.create(null);

  function foldChar(c) {
    var f = cache[c];
    if (f === undefined) {
      f = EXTRA[c];
      if (f === undefined) f = c.normalize("NFKC").toLowerCase().replace(MASKS, "\u00d7");
      cache[c] = f = simplify(f);
    }
    return f;
  }

  function simplify(s) {
    var out = "";
    for (var ch of s) out += T2S[ch] || ch;
    return out;
  }

  /* Characters that fold to themselves: common Han but the traditional ones, lower-case ASCII
     letters and digits. */
  function plain(u, ch) {
    return (u >= 0x4e00 && u <= 0x9fff && T2S[ch] === undefined) || (u >= 0x61 && u <= 0x7a) || (u >= 0x30 && u <= 0x39);
  }

  function masks(s) {
    return s.indexOf("x") < 0 ? s : s.replace(XRUN, function (m) { return "\u00d7".repeat(m.length); });
  }

  /* NFKC and case folding per character, traditional characters as simplified, anonymisation
     marks (* × ╳ and x-runs) as ×.
     With aligned set, returns null unless every character folded to as many UTF-16 units
     as it had, so that offsets in the folded text are offsets in the text. */
  function fold(text, aligned) {
    var out = "", start = 0, n = text.length;
    for (var i = 0; i < n; i++) {
      var u = text.charCodeAt(i);
      if (plain(u, text[i])) continue;
      var ch = (u >= 0xd800 && u <= 0xdbff && i + 1 < n) ? text.slice(i, i + 2) : text[i];
      var f = foldChar(ch);
      if (f !== ch) {
        if (aligned && f.length !== ch.length) return null;
        out += text.slice(start, i) + f;
        start = i + ch.length;
      }
      i += ch.length - 1;
    }
    return masks(start ? out + text.slice(start) : text);
  }

  /* fold() plus, for each folded UTF-16 unit, the index of the original unit it came from. */
  function foldMap(text) {
    var parts = [], map = [];
    for (var i = 0; i < text.length;) {
      var u = text.charCodeAt(i);
      var ch = (u >= 0xd800 && u <= 0xdbff && i + 1 < text.length) ? text.slice(i, i + 2) : text[i];
      var f = plain(u, ch) ? ch : foldChar(ch);
      parts.push(f);
      for (var k = 0; k < f.length; k++) map.push(i);
      i += ch.length;
    }
    map.push(text.length);
    return { text: masks(parts.join("")), map: map };
  }

  /* The folded words of a query: each must occur in a hit. */
  function words(query) {
    return fold(query).split(SPACE).filter(function (w) { return w.length > 0; });
  }

  /* Runs of letters, digits, marks and masks in a folded word: what the index holds. */
  function runs(word) {
    return word.match(RUN) || [];
  }

  /* Every occurrence of every word in folded text, as sorted, merged [start, end) pairs. */
  function spans(folded, queryWords) {
    var found = [];
    queryWords.forEach(function (w) {
      for (var at = folded.indexOf(w); at >= 0; at = folded.indexOf(w, at + 1)) found.push([at, at + w.length]);
    });
    found.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var merged = [];
    found.forEach(function (s) {
      var last = merged[merged.length - 1];
      if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
      else merged.push([s[0], s[1]]);
    });
    return merged;
  }

  root.wenjiText = { fold: fold, foldMap: foldMap, words: words, runs: runs, spans: spans };
})(typeof window !== "undefined" ? window : globalThis);
