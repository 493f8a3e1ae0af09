package io.signalhub.indexing.core.page;

/**
 * The frame every status page shares: the head with its Content-Security-Policy (nothing but the
 * page itself may be fetched), the styles, the refresh while a job runs (script, or a meta refresh
 * without it) and the footer.
 */
final class PageDocument {

  private PageDocument() {}

  static String document(String title, boolean running, String main) {
    return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
        // Nothing but the page itself may be fetched: no CDN, no fonts, no beacons.
        + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        + "style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; "
        + "img-src data:; base-uri 'none'; form-action 'none'\">"
        + (running
            ? "<noscript><meta http-equiv=\"refresh\" content=\""
                + StatusPage.REFRESH_SECONDS
                + "\"></noscript>"
            : "")
        + "<title>"
        + Html.escape(title)
        + "</title><style>"
        + STYLE
        + "</style></head><body data-running=\""
        + running
        + "\"><main id=\"page\">"
        + main
        + "<p class=\"foot\">Signal Hub Indexing · "
        + (running
            ? "refreshes every " + StatusPage.REFRESH_SECONDS + " s while running"
            : "finished: no refresh")
        + " · JSON: the same URL without <code>Accept: text/html</code></p></main><script>"
        + SCRIPT
        + "</script></body></html>";
  }

  /** Fetches the page again and swaps its content while the job runs. */
  private static final String SCRIPT =
      "(function(){var ms="
          + StatusPage.REFRESH_SECONDS * 1000
          + ";function tick(){if(document.body.dataset.running!=='true')return;"
          + "fetch(location.href,{headers:{Accept:'text/html'},cache:'no-store'})"
          + ".then(function(r){return r.text()}).then(function(t){"
          + "var d=new DOMParser().parseFromString(t,'text/html');var m=d.getElementById('page');"
          + "if(m){document.getElementById('page').replaceWith(m);"
          + "document.body.dataset.running=d.body.dataset.running;document.title=d.title;}"
          + "}).catch(function(){}).finally(function(){setTimeout(tick,ms)});}"
          + "setTimeout(tick,ms);})();";

  private static final String STYLE =
      """
      :root{color-scheme:light dark;--fg:#1b1f24;--muted:#5d6670;--bg:#fff;--line:#d5dae0;\
      --ok:#1f883d;--bad:#cf222e;--warn:#9a6700;--run:#0969da;--track:#e8ecf0}
      @media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9aa5b1;--bg:#0d1117;\
      --line:#30363d;--track:#21262d;--run:#4493f8;--ok:#3fb950}}
      *{box-sizing:border-box}
      body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;\
      color:var(--fg);background:var(--bg)}
      main{max-width:60rem;margin:0 auto;padding:1rem}
      h1{font-size:1.4rem;margin:.2rem 0;overflow-wrap:anywhere}
      h2{font-size:1.05rem;margin:1.4rem 0 .4rem}
      a{color:var(--run)}
      code{font:13px ui-monospace,SFMono-Regular,Menlo,monospace;overflow-wrap:anywhere}
      small{display:block;color:var(--muted);font-size:12px;overflow-wrap:anywhere}
      .meta,.crumbs,.foot,.percent{color:var(--muted);margin:.3rem 0}
      .foot{margin-top:2rem;font-size:12px}
      .reason{border-left:4px solid var(--bad);padding:.3rem .6rem;overflow-wrap:anywhere}
      .status{font-size:.75rem;font-weight:600;padding:.1rem .45rem;border-radius:1rem;\
      color:#fff;background:var(--run);vertical-align:middle;white-space:nowrap}
      .status.ok{background:var(--ok)}.status.bad{background:var(--bad)}\
      .status.warn{background:var(--warn)}
      .bar{display:flex;height:1.1rem;background:var(--track);border-radius:.55rem;overflow:hidden;\
      margin:.8rem 0 .2rem}
      .bar.compact{height:.5rem;margin:.2rem 0;min-width:5rem}
      .bar .done{background:var(--run);transition:width .6s}
      body[data-running=false] .bar .done{background:var(--ok)}
      .bar .bad{background:var(--bad)}
      dl{display:grid;grid-template-columns:repeat(auto-fit,minmax(8.5rem,1fr));gap:.5rem;\
      margin:.8rem 0}
      dl div{border:1px solid var(--line);border-radius:.4rem;padding:.4rem .6rem}
      dt{color:var(--muted);font-size:12px}
      dd{margin:0;font-size:1.15rem;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}
      .facts dd{font-size:1rem}
      table{width:100%;border-collapse:collapse;font-size:14px}
      th,td{text-align:left;padding:.35rem .4rem;border-bottom:1px solid var(--line);\
      vertical-align:top}
      th{color:var(--muted);font-weight:500;font-size:12px}
      td{font-variant-numeric:tabular-nums}
      .jobs td:nth-child(3){width:28%}
      .repo{overflow-wrap:anywhere}
      svg.chart{width:100%;height:auto;display:block;border:1px solid var(--line);border-radius:.4rem}
      svg .rate{fill:var(--run)}svg .throttled{fill:var(--bad)}
      svg text{fill:var(--muted);font:11px system-ui,sans-serif}
      svg .grid{stroke:var(--line);stroke-width:1}
      details{margin-top:.5rem}summary{cursor:pointer;color:var(--muted)}
      .empty{color:var(--muted)}
      @media (max-width:36rem){main{padding:.6rem}.jobs th:nth-child(4),\
      .jobs td:nth-child(4){display:none}h1{font-size:1.2rem}}
      """;
}
