"""The report's style sheet, inlined into report.html (no fonts to fetch: system ones)."""

CSS = """
:root{--ink:#1c2330;--muted:#5a6474;--line:#d8dde5;--head:#eef1f5;--accent:#1f4e9c;
--go:#17693a;--go-bg:#e3f3e8;--warn:#8a5a00;--warn-bg:#fff2cf;--stop:#a4161a;--stop-bg:#fde6e6;
--na-bg:#eceef2}
*{box-sizing:border-box}
html{background:#eef0f3}
body{margin:0;color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,
"Helvetica Neue",Arial,sans-serif}
main{max-width:1180px;margin:0 auto;padding:28px 40px 48px;background:#fff;
box-shadow:0 0 0 1px var(--line)}
h1{font-size:2rem;line-height:1.2;margin:0 0 4px}
h2{font-size:1.4rem;margin:0 0 10px;padding-bottom:4px;border-bottom:2px solid var(--accent)}
h3{font-size:1.05rem;margin:18px 0 6px}
section{margin:0 0 36px}
.kicker{margin:0;text-transform:uppercase;letter-spacing:.08em;font-size:.8rem;
color:var(--accent);font-weight:600}
.sub{margin:0 0 16px;color:var(--muted)}
#summary>h2{display:none}
.verdict{border-left:10px solid;border-radius:6px;padding:14px 20px;margin:0 0 18px}
.verdict p{margin:4px 0}
.verdict .question{text-transform:uppercase;letter-spacing:.06em;font-size:.8rem;
font-weight:600;color:var(--muted)}
.verdict .answer{font-size:1.45rem;font-weight:700;line-height:1.25}
.verdict.go{background:var(--go-bg);border-color:var(--go)}
.verdict.go .answer{color:var(--go)}
.verdict.waiver{background:var(--warn-bg);border-color:#d99a00}
.verdict.waiver .answer{color:var(--warn)}
.verdict.no-go{background:var(--stop-bg);border-color:var(--stop)}
.verdict.no-go .answer{color:var(--stop)}
.verdict .binding{font-size:1.02rem}
.facts{display:grid;grid-template-columns:repeat(3,1fr);gap:12px;margin:0 0 16px}
.fact{border:1px solid var(--line);border-radius:6px;padding:10px 14px}
.fact .label{font-size:.78rem;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
.fact .value{font-size:1.5rem;font-weight:700;line-height:1.3}
.fact .note{font-size:.85rem;color:var(--muted)}
.phasebar{display:flex;gap:2px;margin:4px 0 10px;min-height:46px}
.phase{min-width:110px;color:#fff;padding:4px 8px;border-radius:3px;display:flex;
flex-direction:column;justify-content:center;overflow:hidden;white-space:nowrap}
.phase .what{font-weight:600;font-size:.85rem}
.phase .when{font-size:.75rem;opacity:.9}
.phase.campaign{background:#6b7280}.phase.cruise{background:#1f4e9c}
.phase.mars{background:#b5562b}
table{border-collapse:collapse;width:100%;font-size:.88rem;margin:6px 0 14px}
caption{text-align:left;font-weight:600;padding:4px 0}
th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{background:var(--head);font-weight:600;font-size:.82rem;vertical-align:bottom}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
th.num{white-space:normal}
tr.total td{font-weight:700;border-top:2px solid var(--ink);border-bottom:none}
table.compact{width:auto;min-width:420px}
table.compact td:first-child{color:var(--muted);padding-right:24px}
dl.kv{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));column-gap:32px;
margin:6px 0 10px}
dl.kv div{display:flex;justify-content:space-between;border-bottom:1px solid var(--line);
padding:4px 2px}
dl.kv dt{color:var(--muted)}dl.kv dd{margin:0;font-variant-numeric:tabular-nums}
table.partners .full{display:block;font-size:.78rem;color:var(--muted)}
table.timeline tr.key td{font-weight:600}
table.timeline tr.warn td{background:var(--warn-bg)}
table.matrix td,table.matrix th[scope=row]{border:2px solid #fff;padding:8px 10px}
table.matrix th[scope=row]{background:var(--head);width:26%}
table.matrix .state{font-weight:600}
table.matrix .values{font-size:.8rem;color:var(--muted)}
.cell-ok{background:var(--go-bg)}.cell-adapter{background:var(--warn-bg)}
.cell-fail{background:var(--stop-bg)}.cell-na{background:var(--na-bg)}
.legend{font-size:.82rem}
.swatch{display:inline-block;padding:2px 10px;margin:0 8px 4px 0;border-radius:3px}
table.compare td{white-space:normal;width:35%}
table.compare td:first-child{width:30%}
td.changed{font-weight:700;background:var(--warn-bg)}
td.over{background:var(--stop-bg);color:var(--stop);font-weight:700}
td.within{background:var(--go-bg)}
.status{font-weight:700;font-size:1.05rem}.status.ok{color:var(--go)}
.status.fail{color:var(--stop)}
ul.problems li{color:var(--stop)}
ul.notes,.aside{color:var(--muted);font-size:.88rem}
.lead{font-size:1.02rem}
figure{margin:10px 0 14px}
figure img{display:block;max-width:100%;height:auto;border:1px solid var(--line)}
figcaption{font-size:.85rem;color:var(--muted);margin-top:4px}
nav.toc{background:var(--head);border-radius:6px;padding:10px 18px;margin:0 0 30px}
nav.toc h2{border:none;font-size:1rem;margin:0 0 4px;padding:0}
nav.toc ol{columns:3;margin:0;padding-left:20px}
nav.toc a{color:var(--accent)}
footer{border-top:1px solid var(--line);color:var(--muted);font-size:.82rem;padding-top:8px}
@media (max-width:800px){.facts,dl.kv{grid-template-columns:1fr}
nav.toc ol{columns:1}main{padding:16px}}
@media print{html{background:#fff}main{box-shadow:none;max-width:none}
section{break-inside:avoid-page}}
""".strip()
