/*
 * Chinese search on the search page: docs/_ext/zh_search.py inserts this file into
 * language_data.js, which the page loads after searchtools.js and before the index.
 *
 * The index holds every pair of adjacent Chinese characters (and each Latin word). A query is
 * looked up the same way: 交叉熵 needs the pairs 交叉 and 叉熵. The pages that hold every pair
 * are then read (as Sphinx reads them anyway for the snippets) and ranked: pages that contain
 * each word of the query as written first, articles before the home page, section indexes and
 * API entries, then pages with the words in their (section) title, then more occurrences.
 * The snippet and the highlight are the words as written.
 */

// Names readers type, with the forms the pages use (search_aliases.txt).
const ZH_ALIASES = new Map(Object.entries(/* ZH_ALIASES */ {}));
const ZH_RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/gu;

splitQuery = (query) => {
  const terms = [];
  for (const token of query.split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu)) {
    let rest = token;
    for (const run of token.match(ZH_RUN) || []) {
      if (run.length === 1) terms.push(run);
      for (let i = 0; i + 2 <= run.length; i++) terms.push(run.slice(i, i + 2));
      rest = rest.replace(run, " ");
    }
    terms.push(...rest.split(" ").filter((t) => t));
  }
  return terms;
};

// The words of a query as written, lowercased (each must be found in a page).
const zhWords = (query) =>
  query
    .toLowerCase()
    .split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu)
    .filter((w) => w);

// A page a reader reads, as opposed to the home page, a section's index or the API reference.
const zhIsArticle = (docName) =>
  docName.includes("/") && !docName.startsWith("api/") && !docName.endsWith("/index");

const zhTexts = new Map();
const zhText = (docName) => {
  if (!zhTexts.has(docName)) {
    const root = document.documentElement.dataset.content_root;
    const url = root + docName + DOCUMENTATION_OPTIONS.FILE_SUFFIX;
    zhTexts.set(
      docName,
      fetch(url)
        .then((r) => (r.ok ? r.text() : ""))
        .then((html) => Search.htmlToText(html).toLowerCase())
        .catch(() => ""),
    );
  }
  return zhTexts.get(docName);
};

const zhCount = (text, word) => {
  let n = 0;
  for (let i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + word.length)) n++;
  return n;
};

// Results (Sphinx's [docname, title, anchor, descr, score, filename, kind]), best first.
const zhRank = async (results, words) => {
  // One entry a page for its text and titles (the best one), every API entry of its own.
  const best = new Map();
  for (const r of results) {
    const key = r[6] === "object" ? r.slice(0, 3).join("\u0000") : r[0];
    if (!best.has(key) || best.get(key)[4] < r[4]) best.set(key, r);
  }
  const ranked = await Promise.all(
    [...best.values()].map(async (r) => {
      const text = await zhText(r[0]);
      const title = r[1].toLowerCase();
      const forms = words.map((w) => [w, ...(ZH_ALIASES.get(w) || [])]);
      const counts = forms.map((fs) => fs.reduce((n, f) => n + zhCount(text, f), 0));
      const found = counts.every((n) => n > 0);
      const tier = found ? (zhIsArticle(r[0]) ? 0 : 1) : 2;
      const inTitle = forms.every((fs) => fs.some((f) => title.includes(f))) ? 1 : 0;
      return { r, tier, inTitle, count: counts.reduce((a, b) => a + b, 0) };
    }),
  );
  ranked.sort(
    (a, b) =>
      a.tier - b.tier || b.inTitle - a.inTitle || b.count - a.count || b.r[4] - a.r[4],
  );
  return ranked.map((x) => x.r);
};

// Sphinx's snippet, but found without lowercasing the text (which can change its length and so
// shift the snippet off the word): 120 characters either side of the first word found.
Search.makeSearchSummary = (htmlText, keywords, anchor) => {
  const text = Search.htmlToText(htmlText, anchor);
  if (text === "") return null;
  const found = [...keywords]
    .map((k) => text.search(new RegExp(_escapeRegExp(k), "i")))
    .filter((i) => i > -1);
  const start = Math.max((found[0] ?? 0) - 120, 0);
  const summary = document.createElement("p");
  summary.classList.add("context");
  summary.textContent =
    (start > 0 ? "..." : "") +
    text.substr(start, 240).trim() +
    (start + 240 < text.length ? "..." : "");
  return summary;
};

// The results for a query, best first, and the words to show in snippets and highlight.
Search.zhSearch = async (query) => {
  const words = zhWords(query);
  let results = Search._performSearch(...Search._parseQuery(query));
  // A name readers type but the pages write otherwise: look the forms up too.
  for (const w of words) {
    for (const form of ZH_ALIASES.get(w) || []) {
      const variant = query.toLowerCase().replace(w, form);
      results = results.concat(Search._performSearch(...Search._parseQuery(variant)));
    }
  }
  const shown = new Set(words.flatMap((w) => [w, ...(ZH_ALIASES.get(w) || [])]));
  return [await zhRank(results, words), shown];
};

Search.query = async (query) => {
  const [results, shown] = await Search.zhSearch(query);
  if (SPHINX_HIGHLIGHT_ENABLED) localStorage.setItem("sphinx_highlight_terms", [...shown].join(" "));
  // Sphinx shows the results from the end of the list, and snippets around the words given.
  _displayNextItem(results.reverse(), results.length, shown, shown);
};
