"""Client-side full-text search: character bigrams in lunr's model, split so a query loads little.

Why bigrams: a Chinese query has no spaces, and jieba cuts the same characters differently in
different contexts (有效 inside 有效应对), so a word index misses occurrences (recall 0.66 on
arbitrary substrings of the seeds). Every literal occurrence of a query holds all of its
character bigrams, so requiring them finds every section that holds the query (recall 1.00);
the browser then checks the query against the section text (precision 1.00). The browser
never segments text: queries are cut by the same trivial rule as the text was. A query run is
its known bigrams, all required, or the prefixes of its characters if it has none.

Scores: lunr scores a document by the dot product of the query vector with the document's
BM25 weights at the query's terms, divided by the query vector's length only, so an index of
just the terms a query needs gives every hit the score one index of the whole archive gives
it. That lets the index be cut by term: the browser loads the shards of the query's terms,
ranks the documents every clause matches by that dot product (summed as lunr sums it, so in
lunr's order), and has lunr.js (``lunr.Index.load`` of the serialized form) score the ones it
shows. Tests check the browser's hits, scores and order against one lunr.py ``Builder`` over
the whole archive.

Build cost: lunr.py's Builder tokenises, runs a pipeline and deep-copies metadata per token:
13 s per 100 speeches, and 3 GB for 1,000. Here a speech's bigrams are counted for all its
documents at once (numpy: every adjacent pair of its folded text as one integer, one sort), in
worker processes, and cached by the speech's content; postings are inverted and encoded per
block of about 32 speeches (in numpy) and cached by the block's content; a build from nothing
joins every term's parts at once (numpy), and the archive's postings are kept from one build
to the next, so editing one speech recomputes that speech's terms and its block and re-joins
only the terms the edit reached and deflates again only the shard parts whose strings
changed. Measured by bench/profile.py (one core, CPU, a loaded machine): tests/corpus-real
(37 reports, 2.5 MB) 0.55 s for the whole step, the rebuild after one edit 0.16 s; 1,000
synthetic speeches (34 MB) 4.9 s, the rebuild 0.35 s (before this layout: 1.09, 10.75 and
1.13 s). About half of a cold step at 1,000 is deflating (zlib and base85) the speeches' texts
(1.5 s) and the shards (0.9 s).

The modules, each importing only those above it:

- ``terms``: folding, runs, a document's terms (as numbers) counted fast;
- ``documents``: the units a hit points at, cut from each speech;
- ``postings``: which bigrams are terms (``min_df``), blocks of speeches, plain inversion;
- ``encoding``: the ``vint`` number code, and a block's postings encoded (``Fragment``);
- ``assembly``: the blocks' fragments joined term by term, updated where blocks changed;
- ``files``: the manifest, term shards and speech texts the browser loads;
- ``plan``: what the files are made from, each block's fragment from the cache or workers;
- ``step``: the search step of a build (``search_files``), with the state kept between builds;
- ``reference``: the lunr.py index the tests and benchmarks compare with (the build never
  imports it).

The search page itself is rendered by ``wenji.render.search_page``; the browser's side is
``static/search-engine.js`` (the engine, also run under Node by the tests),
``static/search-page.js`` (the page) and ``static/fold.js`` (folding shared with the
highlighting of speech pages).
"""
