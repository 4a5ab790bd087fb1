/* wenji search engine: answers a query from the files wenji/search/files.py writes (see the
   wenji.search package for the model and why), loading only what the query needs: the
   manifest, the term shards that hold its terms and the text of the results it shows or must
   check. It never touches the page: static/search-page.js drives it in the browser, and the
   tests run it under Node. Needs window.wenjiText (static/fold.js) and, to score, lunr.js.
   Exports window.wenjiSearch = {Engine, Reader, round3, arrange, inflate, UNCHECKED, HOLDS, LACKS,
   IN_HEADING, IN_TEXT}. */
(function (root) {
  "use strict";

  var DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_$";
  var DIGIT_VALUE = new Int8Array(128).fill(-1);
  for (var i = 0; i < DIGITS.length; i++) DIGIT_VALUE[DIGITS.charCodeAt(i)] = i;

  /* Whether a candidate's text holds every word of the query: known at once for an exact
     query, else once its text is loaded and checked. */
  var UNCHECKED = 0, HOLDS = 1, LACKS = -1;
  /* Where a hit ranks: its heading holds every word, or not. */
  var IN_HEADING = 0, IN_TEXT = 1;

  /* ---- numbers ---------------------------------------------------------------------------- */

  /* Reads the numbers of wenji.search.encoding.vint: digits 48-63 continue a number
     (bijective base 16, high first), a digit below 48 ends it. */
  function Reader(text) { this.text = text; this.at = 0; }
  Reader.prototype.int = function () {
    var high = 0, value;
    while ((value = DIGIT_VALUE[this.text.charCodeAt(this.at++)]) >= 48) high = high * 16 + value - 47;
    return high * 48 + value;
  };
  Reader.prototype.more = function () { return this.at < this.text.length; };
  function ints(text) {
    var reader = new Reader(text), out = [];
    while (reader.more()) out.push(reader.int());
    return out;
  }
  /* n ascending numbers written as differences minus one. */
  function ascending(reader, n) {
    var out = [], x = -1;
    for (var j = 0; j < n; j++) out.push(x += reader.int() + 1);
    return out;
  }

  /* Python's round(x, 3): correctly rounded, ties to even (only x = odd/16 can tie). Far
     from a half, Math.round(x * 1000) / 1000 is that value (the product's error is tiny). */
  function round3(x) {
    var y = x * 1000, r = Math.round(y);
    if (Math.abs(Math.abs(y - r) - 0.5) > 1e-6) return r / 1000;
    var t = x * 16;
    if (t === Math.floor(t) && Math.abs(t % 2) === 1) {
      var lo = Math.floor(x * 1000);
      return (lo % 2 === 0 ? lo : lo + 1) / 1000;
    }
    return Number(x.toFixed(3));
  }

  /* wenji.search.encoding.key16, inverted: characters numbered in UTF-16 order. */
  function char16(k) {
    if (k < 0xd800) return String.fromCharCode(k);
    if (k < 0x10d800) return String.fromCodePoint(k - 0xd800 + 0x10000);
    return String.fromCharCode(k - 0x10d800 + 0xe000);
  }

  /* ---- the manifest and the term shards ----------------------------------------------------- */

  function Manifest(data) {
    var key = 0, d, s;
    this.count = data.n;  /* documents */
    this.k1 = data.k1; this.b = data.b; this.field = data.field;
    this.alphabet = ints(data.a).map(function (gap) { return char16(key += gap); });
    this.lengths = new Float64Array(ints(data.l));  /* each document's field length */
    var total = 0;
    for (d = 0; d < this.count; d++) total += this.lengths[d];
    this.averageLength = total / this.count;
    this.shards = data.shards;  /* the first term of each */
    this.speeches = data.speeches;  /* [slug, title, date, kind, lang if not the site's] each */
    this.ids = data.ids.split(" ");  /* each document's section or paragraph id ("" for a title) */
    this.firstDoc = [0];  /* first document of each speech */
    this.speechOf = new Int32Array(this.count);
    var perSpeech = ints(data.sd);
    for (s = 0, d = 0; s < perSpeech.length; s++) {
      for (var end = d + perSpeech[s]; d < end; d++) this.speechOf[d] = s;
      this.firstDoc.push(d);
    }
  }
  /* The speech document d is in: [slug, title, date, kind]. */
  Manifest.prototype.speech = function (d) { return this.speeches[this.speechOf[d]]; };

  /* A term shard: its terms (lunr numbers start + i), their postings (decoded on demand),
     which postings are in a heading, and per character the headings holding it that no
     term's heading flag shows. */
  function Shard(data, manifest) {
    var reader = new Reader(data.t), rank = -1, c, v, t;
    this.start = data.s;
    this.terms = [];
    while (reader.more()) {
      c = manifest.alphabet[rank += reader.int() + 1];
      v = reader.int();
      if (v & 1) this.terms.push(c);
      ascending(reader, v >> 1).forEach(function (second) { this.terms.push(c + manifest.alphabet[second]); }, this);
    }
    this.encoded = data.p.split(",");
    this.decoded = [];
    this.inHeading = new Map();  /* term -> indices of its postings in a heading */
    for (reader = new Reader(data.h), t = -1; reader.more();) {
      t += reader.int() + 1;
      this.inHeading.set(t, ascending(reader, reader.int() + 1));
    }
    this.headingChars = new Map();  /* character -> headings holding it that no flag shows */
    for (reader = new Reader(data.c), rank = -1; reader.more();) {
      c = manifest.alphabet[rank += reader.int() + 1];
      this.headingChars.set(c, ascending(reader, reader.int() + 1));
    }
  }
  /* Postings of the shard's term i: {docs, tfs}. */
  Shard.prototype.postings = function (i) {
    var got = this.decoded[i];
    if (got) return got;
    var reader = new Reader(this.encoded[i]), docs = [], tfs = [], d = -1, v;
    while (reader.more()) {
      v = reader.int();
      docs.push(d += (v >> 1) + 1);
      tfs.push(v & 1 ? reader.int() + 2 : 1);
    }
    return (this.decoded[i] = { docs: docs, tfs: tfs });
  };

  /* A loaded term: its shard, its index there and its lunr number. */
  function Term(shard, index) { this.shard = shard; this.index = index; this.number = shard.start + index; }
  Term.prototype.postings = function () { return this.shard.postings(this.index); };
  Term.prototype.spelling = function () { return this.shard.terms[this.index]; };
  /* Documents whose heading holds the term (by its heading flags). */
  Term.prototype.inHeading = function () {
    var flagged = this.shard.inHeading.get(this.index) || [], docs = this.postings().docs;
    return flagged.map(function (j) { return docs[j]; });
  };
  function byNumber(a, b) { return a.number - b.number; }

  /* ---- the engine --------------------------------------------------------------------------- */

  /* The engine: manifest, shards and text chunks, loaded through load(name) -> Promise, each
     file storing its data in data[name]. */
  function Engine(lunr, text, load, data) {
    this.lunr = lunr; this.text = text; this.load = load; this.data = data;
    this.shards = []; this.terms = new Map(); this.chunks = [];
  }
  Engine.prototype.get = function (name) {
    var data = this.data;
    return this.load(name).then(function () { return data[name]; });
  };
  Engine.prototype.ready = function () {
    var self = this;
    if (!this.started) this.started = this.get("manifest").then(function (m) { self.manifest = new Manifest(m); });
    return this.started;
  };
  /* The shard whose range holds term t: the last one starting at or before it. */
  Engine.prototype.shardOf = function (t) {
    var firsts = this.manifest.shards, lo = 0, hi = firsts.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (firsts[mid] <= t) lo = mid; else hi = mid - 1;
    }
    return lo;
  };
  /* Shards that may hold terms starting with c (a prefix query c*). */
  Engine.prototype.prefixShards = function (c) {
    var firsts = this.manifest.shards, k = this.shardOf(c), out = [k];
    while (k + 1 < firsts.length && firsts[k + 1].lastIndexOf(c, 0) === 0) out.push(++k);
    return out;
  };
  Engine.prototype.loadShards = function (numbers) {
    var self = this;
    return Promise.all(numbers.map(function (k) {
      if (!self.shards[k]) {
        self.shards[k] = self.get("t/" + k).then(function (data) {
          return Promise.all([inflate(data.y), inflate(data.z)]).then(function (parts) {
            return { s: data.s, t: parts[0][0], c: parts[0][1], p: parts[1][0], h: parts[1][1] };
          });
        }).then(function (data) {
          var shard = new Shard(data, self.manifest);
          shard.terms.forEach(function (t, i) { self.terms.set(t, new Term(shard, i)); });
          return (self.shards[k] = shard);
        });
      }
      return self.shards[k];
    }));
  };
  /* Loaded terms starting with c, in lunr's order. */
  Engine.prototype.prefixed = function (c) {
    var out = [];
    this.prefixShards(c).forEach(function (k) {
      this.shards[k].terms.forEach(function (t) { if (t.lastIndexOf(c, 0) === 0) out.push(this.terms.get(t)); }, this);
    }, this);
    return out;
  };

  /* Same clauses as SearchIndex.clauses in wenji/search/reference.py: [{term, prefix}]; each
     run of a word is its known bigrams, or the prefixes of its characters if it has none. */
  Engine.prototype.clauses = function (query) {
    var seen = new Set(), out = [], self = this;
    function add(term, prefix) {
      var key = (prefix ? "*" : "=") + term;
      if (!seen.has(key)) { seen.add(key); out.push({ term: term, prefix: prefix }); }
    }
    this.text.words(query).forEach(function (w) {
      self.text.runs(w).forEach(function (run) {
        var known = self.known(run);
        known.forEach(function (t) { add(t, false); });
        if (!known.length) Array.from(run).forEach(function (c) { add(c, true); });
      });
    });
    return out;
  };
  /* The bigrams of a run that are loaded terms. */
  Engine.prototype.known = function (run) {
    var chars = Array.from(run), out = [];
    for (var j = 0; j + 1 < chars.length; j++) {
      if (this.terms.has(chars[j] + chars[j + 1])) out.push(chars[j] + chars[j + 1]);
    }
    return out;
  };

  /* ---- lunr's numbers ----------------------------------------------------------------------- */

  function weight(manifest, idf, tf, d) {
    var k1 = manifest.k1, b = manifest.b;
    return round3(idf * ((k1 + 1) * tf) / (k1 * (1 - b + b * (manifest.lengths[d] / manifest.averageLength)) + tf));
  }
  function idfOf(manifest, df) { return Math.log(1 + Math.abs((manifest.count - df + 0.5) / (df + 0.5))); }
  var NO_METADATA = {};  /* the (empty) metadata of every posting, shared */

  /* lunr's serialized index of the given terms (ascending numbers) over the documents that
     hold them and keep(d) accepts, with the BM25 weights lunr.py computes (same operations in
     the same order, rounded as it rounds). All terms and documents give lunr.py's
     Index.serialize() of the whole archive. */
  Engine.prototype.serialize = function (terms, allDocs, keep) {
    var manifest = this.manifest, inverted = [], vectors = new Map();
    if (allDocs) for (var d0 = 0; d0 < manifest.count; d0++) vectors.set(d0, []);
    terms.forEach(function (term) {
      var postings = term.postings(), df = postings.docs.length, idf = idfOf(manifest, df);
      var docsOf = {}, posting = {};
      posting[manifest.field] = docsOf;
      posting._index = term.number;
      for (var j = 0; j < df; j++) {
        var d = postings.docs[j];
        if (keep && !keep(d)) continue;
        docsOf[d] = NO_METADATA;
        var vector = vectors.get(d);
        if (!vector) vectors.set(d, vector = []);
        vector.push(term.number, weight(manifest, idf, postings.tfs[j], d));
      }
      inverted.push([term.spelling(), posting]);
    });
    var order = Int32Array.from(vectors.keys()).sort();
    return {
      version: "2.3.9", fields: [manifest.field], invertedIndex: inverted, pipeline: [],
      fieldVectors: Array.from(order, function (d) { return [manifest.field + "/" + d, vectors.get(d)]; })
    };
  };
  /* lunr.js's answer to the query's clauses from an index of its terms over the documents
     keep(d) accepts: [{doc, score}]. lunr divides the dot product of the query's vector
     and a document's by the length of the query's only, so these are the scores one index
     of the whole archive gives. */
  Engine.prototype.lunrHits = function (result, keep) {
    var lunr = this.lunr, index = lunr.Index.load(this.serialize(result.terms, false, keep));
    return index.query(function (q) {
      result.clauses.forEach(function (c) {
        q.term(c.term, {
          presence: lunr.Query.presence.REQUIRED, usePipeline: false,
          wildcard: c.prefix ? lunr.Query.wildcard.TRAILING : lunr.Query.wildcard.NONE
        });
      });
    }).map(function (h) { return { doc: +h.ref, score: h.score }; });
  };
  /* lunr's scores of these candidates (an index of just them): checks they are its hits. */
  Engine.prototype.scores = function (result, hits) {
    if (!result.clauses.length) return;
    var wanted = new Map(hits.map(function (h) { return [h.doc, h]; }));
    var got = this.lunrHits(result, function (d) { return wanted.has(d); });
    if (got.length !== wanted.size) throw new Error("lunr disagrees on " + result.query);
    got.forEach(function (x) { wanted.get(x.doc).score = x.score; });
  };
  /* Every shard loaded and expanded: lunr.py's Index.serialize() of the whole archive. */
  Engine.prototype.whole = function () {
    var self = this;
    return this.ready().then(function () {
      return self.loadShards(self.manifest.shards.map(function (_, k) { return k; }));
    }).then(function () {
      return self.serialize(Array.from(self.terms.values()).sort(byNumber), true);
    });
  };

  /* ---- a query ------------------------------------------------------------------------------ */

  /* A query -> Promise of its result: {query, words, candidates, exact, clauses, terms}
     (see rank), after loading the shards of its bigrams, then those its prefix clauses need. */
  Engine.prototype.search = function (query) {
    var self = this, words = this.text.words(query), runs = [];
    words.forEach(function (w) { runs = runs.concat(self.text.runs(w)); });
    var result = { query: query, words: words, candidates: [], exact: false, clauses: [], terms: [] };
    if (!words.length) return Promise.resolve(result);
    return this.ready().then(function () {
      var shards = [];
      runs.forEach(function (run) {
        var chars = Array.from(run);
        if (chars.length === 1) shards = shards.concat(self.prefixShards(chars[0]));
        for (var j = 0; j + 1 < chars.length; j++) shards.push(self.shardOf(chars[j] + chars[j + 1]));
      });
      return self.loadShards(shards);
    }).then(function () {
      var shards = [];
      self.clauses(query).forEach(function (c) { if (c.prefix) shards = shards.concat(self.prefixShards(c.term)); });
      return self.loadShards(shards);
    }).then(function () { return self.rank(result); });
  };
  /* A query is exact when each word is one character or one known bigram: then the
     candidates are the answer, and the heading marks exact too. */
  Engine.prototype.isExact = function (words) {
    var self = this;
    return words.every(function (w) {
      var chars = Array.from(w), runs = self.text.runs(w);
      return runs.length === 1 && runs[0] === w && (chars.length === 1 || (chars.length === 2 && self.terms.has(w)));
    });
  };
  /* Candidates and their order, from the loaded postings: the documents every clause
     matches (lunr's required clauses), ranked by the dot product lunr scores them with,
     summed in lunr's order (a score is that divided by the same number for all), each
     marked with whether its heading may hold every word. Unless the query is exact, they
     are checked against their text later (check). */
  Engine.prototype.rank = function (result) {
    var manifest = this.manifest, hits = [];
    result.clauses = this.clauses(result.query);
    result.exact = this.isExact(result.words);
    var reached = this.reached(result.clauses);
    result.terms = reached.terms;
    var dot = new Float64Array(manifest.count), everyClause = result.clauses.length;
    result.terms.forEach(function (term) {
      var postings = term.postings(), idf = idfOf(manifest, postings.docs.length), times = reached.times.get(term.number);
      for (var j = 0; j < postings.docs.length; j++) {
        var d = postings.docs[j];
        if (reached.clauses[d] === everyClause) dot[d] += times * weight(manifest, idf, postings.tfs[j], d);
      }
    });
    for (var d = 0; d < manifest.count; d++) if (reached.clauses[d] === everyClause) hits.push({ doc: d, dot: dot[d] });
    var headings = this.headingsHolding(result.words);
    hits.forEach(function (h) {
      h.headingMayHold = headings ? headings.has(h.doc) : true;
      h.literal = result.exact ? HOLDS : UNCHECKED;
      h.tier = h.headingMayHold ? IN_HEADING : IN_TEXT;
    });
    hits.sort(function (a, b) { return a.tier - b.tier || b.dot - a.dot || a.doc - b.doc; });
    result.candidates = hits;
    return result;
  };
  /* The terms the clauses reach (ascending numbers), how many clauses reach each (lunr's
     query vector), and per document how many clauses it matches. */
  Engine.prototype.reached = function (clauses) {
    var self = this, terms = new Map(), times = new Map(), matched = new Int32Array(this.manifest.count);
    clauses.forEach(function (c) {
      var seen = new Uint8Array(self.manifest.count);
      (c.prefix ? self.prefixed(c.term) : [self.terms.get(c.term)]).forEach(function (term) {
        terms.set(term.number, term);
        times.set(term.number, (times.get(term.number) || 0) + 1);
        term.postings().docs.forEach(function (d) { if (!seen[d]) { seen[d] = 1; matched[d]++; } });
      });
    });
    return { terms: Array.from(terms.values()).sort(byNumber), times: times, clauses: matched };
  };
  /* Documents whose heading may hold every word (a Set), or null for no word: per run, the
     heading flags of its known bigrams, or, for a run looked up by prefixes, the headings
     holding each of its characters. */
  Engine.prototype.headingsHolding = function (words) {
    var self = this, headings = null;
    words.forEach(function (w) {
      self.text.runs(w).forEach(function (run) {
        var known = self.known(run), sets = known.map(function (t) { return self.terms.get(t).inHeading(); });
        if (!known.length) Array.from(run).forEach(function (c) { sets.push(self.headingsWithChar(c)); });
        sets.forEach(function (docs) {
          var these = new Set(docs);
          headings = headings ? new Set(Array.from(headings).filter(function (d) { return these.has(d); })) : these;
        });
      });
    });
    return headings;
  };
  /* Documents whose heading holds character c. */
  Engine.prototype.headingsWithChar = function (c) {
    var out = [];
    this.prefixShards(c).forEach(function (k) { out = out.concat(this.shards[k].headingChars.get(c) || []); }, this);
    this.prefixed(c).forEach(function (term) { out = out.concat(term.inHeading()); });
    return out;
  };

  /* ---- text chunks and the literal check ------------------------------------------------ */

  /* Promise of the JSON a data file holds deflated (zlib) and base85-encoded (wenji/deflate.py):
     search/d/S.js, half the bytes of the text on disk; search/t/K.js (a term shard's strings,
     wenji.search.files.shard_text); trends/K.js and compare/S.js too. */
  /* RFC 1924's base85 digits (Python's base64.b85encode), as wenji/deflate.py writes them. */
  var B85 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~";
  var B85_VALUE = new Uint8Array(128);
  for (var d = 0; d < B85.length; d++) B85_VALUE[B85.charCodeAt(d)] = d;
  /* The bytes a base85 string holds: every 5 digits are 4 bytes, big-endian; a last group of
     n < 5 digits, padded with the highest digit, gives n - 1 bytes. */
  function base85Bytes(text) {
    var full = Math.floor(text.length / 5), rest = text.length % 5;
    var out = new Uint8Array(full * 4 + (rest ? rest - 1 : 0)), o = 0;
    for (var i = 0; i < text.length; i += 5) {
      var v = 0;
      for (var j = i; j < i + 5; j++) v = v * 85 + (j < text.length ? B85_VALUE[text.charCodeAt(j)] : 84);
      for (var k = 24; k >= 0 && o < out.length; k -= 8) out[o++] = (v / Math.pow(2, k)) & 255;
    }
    return out;
  }
  function inflate(base85) {
    var bytes = base85Bytes(base85);
    var inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Response(inflated).text().then(JSON.parse);
  }
  Engine.prototype.chunk = function (s) {
    var self = this;
    if (!this.chunks[s]) {
      this.chunks[s] = this.get("d/" + s).then(inflate).then(function (rows) { return (self.chunks[s] = rows); });
    }
    return this.chunks[s];
  };
  /* Whether the text of speech s is loaded (not just asked for). */
  Engine.prototype.hasText = function (s) { return Array.isArray(this.chunks[s]); };
  Engine.prototype.withText = function (docs) {
    var self = this, speeches = new Set(docs.map(function (d) { return self.manifest.speechOf[d]; }));
    return Promise.all(Array.from(speeches).map(function (s) { return self.chunk(s); }));
  };
  /* A document's row [parent in the speech or -1, heading, n1, text1, ...] (text loaded). */
  Engine.prototype.row = function (d) {
    var s = this.manifest.speechOf[d];
    return this.chunks[s][d - this.manifest.firstDoc[s]];
  };
  Engine.prototype.docText = function (d) {
    var row = this.row(d), parts = row[1] ? [row[1]] : [];
    for (var j = 3; j < row.length; j += 2) parts.push(row[j]);
    return parts.join("\n");
  };
  /* Headings of the sections holding document d, outermost first (not of the title). */
  Engine.prototype.headingPath = function (d) {
    var manifest = this.manifest, s = manifest.speechOf[d], first = manifest.firstDoc[s], rows = this.chunks[s], path = [];
    for (var j = d - first; j >= 0; j = rows[j][0]) {
      if (rows[j][1] && manifest.ids[first + j]) path.unshift(rows[j][1]);
    }
    return path;
  };
  /* Checks candidates against their text (loading it): literal and tier become exact. */
  Engine.prototype.check = function (result, hits) {
    var self = this;
    return this.withText(hits.map(function (h) { return h.doc; })).then(function () {
      hits.forEach(function (h) {
        var folded = self.text.fold(self.docText(h.doc)), heading = self.text.fold(self.row(h.doc)[1]);
        h.literal = result.words.every(function (w) { return folded.indexOf(w) >= 0; }) ? HOLDS : LACKS;
        h.tier = h.headingMayHold && heading && result.words.every(function (w) { return heading.indexOf(w) >= 0; })
          ? IN_HEADING : IN_TEXT;
      });
    });
  };
  /* The first k answers among the candidates keep() accepts, or which to check first:
     all candidates whose heading may hold the query come first (checked in score order),
     then the others by score, with those whose heading did not hold it after all. */
  function firstAnswers(result, k, keep) {
    var answers = [], toCheck = [], later = [], notInHeading = [], blocked = false, j, h;
    function take(h) {
      if (h.literal === UNCHECKED) { toCheck.push(h); blocked = true; }
      else if (!blocked && h.literal === HOLDS) answers.push(h);
      return answers.length >= k || toCheck.length >= k;
    }
    for (j = 0; j < result.candidates.length; j++) {
      h = result.candidates[j];
      if (!keep(h.doc)) continue;
      if (h.headingMayHold && (h.literal === UNCHECKED || h.tier === IN_HEADING)) {
        if (take(h)) return { answers: answers, toCheck: toCheck };
      } else {
        (h.headingMayHold ? notInHeading : later).push(h);  /* both in score order already */
      }
    }
    if (blocked) return { answers: answers, toCheck: toCheck };
    for (var a = 0, b = 0; a < later.length || b < notInHeading.length;) {
      var x = later[a], y = notInHeading[b];
      if (y && (!x || y.dot > x.dot || (y.dot === x.dot && y.doc < x.doc))) { b++; h = y; } else { a++; h = x; }
      if (take(h)) break;
    }
    return { answers: answers, toCheck: toCheck };
  }
  /* Promise of the first k answers, checking candidates as needed. */
  Engine.prototype.settle = function (result, k, keep) {
    var self = this, first = firstAnswers(result, k, keep);
    if (!first.toCheck.length) return Promise.resolve(first.answers);
    return this.check(result, first.toCheck).then(function () { return self.settle(result, k, keep); });
  };
  /* Promise of every answer, checking the candidates in batches of speeches (null when
     alive() says the query is no longer wanted). */
  Engine.prototype.finish = function (result, keep, alive) {
    var self = this, todo = result.candidates.filter(function (h) { return h.literal === UNCHECKED && keep(h.doc); });
    var batch = [], speeches = new Set();
    for (var j = 0; j < todo.length && speeches.size < 16; j++) {
      speeches.add(this.manifest.speechOf[todo[j].doc]);
      batch.push(todo[j]);
    }
    if (!batch.length) return Promise.resolve(firstAnswers(result, Infinity, keep).answers);
    return this.check(result, batch).then(function () {
      if (alive && !alive()) return null;
      return self.finish(result, keep, alive);
    });
  };

  /* ---- the order of the results page ------------------------------------------------------ */

  /* Dates as manifest speeches give them ("1957", "1957-06-26", or "" when unknown): in
     order of time (a year before the days of that year), times > 0 latest first; undated
     speeches after every dated one either way. */
  function compareDates(x, y, times) {
    if (x === y) return 0;
    if (!x || !y) return x ? -1 : 1;
    return (x < y ? -1 : 1) * times;
  }

  /* Hits, given in the engine's (relevance) order, as the results page arranges them: runs
     of consecutive hits of one speech, [{speech, hits}]. sort "date" (earliest first) or
     "date-desc" (latest first) orders by the speech's date, then its place in the archive,
     then the hit's place in the speech, so each speech is one run; any other sort keeps
     relevance. grouped gathers each speech's hits into one run, the speeches in the order
     of their best hit and the hits in relevance order within. Pure: the tests run it under
     Node. manifest needs only speechOf and speeches. */
  function arrange(hits, manifest, sort, grouped) {
    var speechOf = manifest.speechOf, speeches = manifest.speeches;
    var keyed = hits.map(function (h, i) { return { hit: h, speech: speechOf[h.doc], rank: i }; });
    if (sort === "date" || sort === "date-desc") {
      var times = sort === "date" ? 1 : -1;
      keyed.sort(function (a, b) {
        return compareDates(speeches[a.speech][2], speeches[b.speech][2], times) ||
          a.speech - b.speech || a.hit.doc - b.hit.doc;
      });
    } else if (grouped) {
      var best = new Map();
      keyed.forEach(function (k) { if (!best.has(k.speech)) best.set(k.speech, k.rank); });
      keyed.sort(function (a, b) { return best.get(a.speech) - best.get(b.speech) || a.rank - b.rank; });
    }
    var runs = [];
    keyed.forEach(function (k) {
      var last = runs[runs.length - 1];
      if (!last || last.speech !== k.speech) runs.push(last = { speech: k.speech, hits: [] });
      last.hits.push(k.hit);
    });
    return runs;
  }

  root.wenjiSearch = {
    Engine: Engine, Reader: Reader, round3: round3, arrange: arrange, inflate: inflate,
    UNCHECKED: UNCHECKED, HOLDS: HOLDS, LACKS: LACKS, IN_HEADING: IN_HEADING, IN_TEXT: IN_TEXT
  };
})(typeof window !== "undefined" ? window : globalThis);
