// Loaded by the header that .ci/docs-render/run generates, before KaTeX and its
// auto-render (docs/assets/katex.html with the CDN replaced by the npm copy),
// so that it sees what auto-render logs (console.error: parse errors).
// When the page is opened with ?docs-render-check (by the check, not by a
// reader of target/doc) and has loaded (auto-render has run by then), it
// looks at what a reader sees and appends its findings to the page as
// <pre id="docs-render-report">, which `chromium --dump-dom` prints:
//
//   math: N            formulas KaTeX rendered
//   FAIL: ...          one line per problem (none when the page is right)
//
// Problems:
// - KaTeX or auto-render did not load;
// - a delimiter ($$, \( \), \[ \]) left in the text: markdown split the
//   formula (e.g. `H'_{lo} ... H'_{hi}` became emphasis), a delimiter is
//   missing, or KaTeX could not parse it (with the header's default
//   throwOnError, auto-render then leaves the formula as text);
// - a KaTeX error element (.katex-error, should the header set
//   throwOnError: false);
// - a TeX command as text outside any formula: the delimiters were lost
//   (e.g. `\(` written with one backslash in markdown);
// - smart punctuation inside a formula (rustdoc turned ' into ’, " into “”).
// Code (code, pre) is skipped, as auto-render skips it.
"use strict";
(() => {
  if (!new URLSearchParams(window.location.search).has("docs-render-check")) return;

  const logged = [];
  const consoleError = console.error;
  console.error = (...args) => {
    logged.push(args.map(String).join(" "));
    consoleError.apply(console, args);
  };

  window.addEventListener("load", () => {
    const findings = [];
    const fail = (what, text) => {
      const snippet = text.replace(/\s+/g, " ").trim();
      findings.push(`FAIL: ${what}: ${snippet.length > 160 ? snippet.slice(0, 157) + "..." : snippet}`);
    };
    const around = (text, index) => text.slice(Math.max(0, index - 60), index + 100);

    if (typeof window.katex === "undefined" || typeof window.renderMathInElement === "undefined") {
      fail("KaTeX did not load", "katex or renderMathInElement is undefined (check the header's script paths)");
    }

    // What a reader sees of an element, each rendered formula shown as «its TeX».
    const visible = (element) => {
      const copy = element.cloneNode(true);
      for (const math of copy.querySelectorAll(".katex")) {
        const tex = math.querySelector('annotation[encoding="application/x-tex"]');
        math.replaceWith(`«${tex ? tex.textContent : "?"}»`);
      }
      return copy.textContent;
    };

    const skipped = "script, noscript, style, textarea, pre, code, option, .katex, .katex-error";
    const delimiter = /\$\$|\\\(|\\\)|\\\[|\\\]/;
    const texCommand = /\\[A-Za-z]{2,}/;
    const reported = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest(skipped)) continue;
      const text = node.textContent;
      // Report the paragraph (list item, cell) the text sits in, once: markdown
      // may have split the formula over several elements.
      const block = parent.closest("p, li, td, th, h1, h2, h3, h4, h5, h6, div") || parent;
      const problem = delimiter.exec(text) ? delimiter : texCommand.exec(text) ? texCommand : null;
      if (!problem || reported.has(block)) continue;
      reported.add(block);
      const match = problem.exec(text);
      const seen = visible(block);
      const at = seen.indexOf(text);
      fail(problem === delimiter ? `unrendered ${match[0]}` : `TeX outside a formula (${match[0]})`,
        at < 0 ? around(text, match.index) : around(seen, at + match.index));
    }

    for (const error of document.querySelectorAll(".katex-error")) {
      fail(`KaTeX error (${error.getAttribute("title") || "no message"})`, error.textContent);
    }
    for (const tex of document.querySelectorAll('annotation[encoding="application/x-tex"]')) {
      const smart = /[\u2018\u2019\u201c\u201d\u2013\u2014\u2026]/.exec(tex.textContent);
      if (smart) fail(`smart punctuation ${smart[0]} in a formula`, tex.textContent);
    }

    for (const message of logged) {
      if (message.includes("KaTeX")) fail("KaTeX reported", message);
    }

    const report = document.createElement("pre");
    report.id = "docs-render-report";
    report.textContent = [`math: ${document.querySelectorAll(".katex").length}`, ...findings].join("\n");
    document.body.appendChild(report);
  });
})();
