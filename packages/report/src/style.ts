/** The report page's own CSS (uPlot's is inlined before it). */
export const PAGE_CSS = `
:root { color-scheme: light; --fg: #1a1a1a; --muted: #555; --line: #d8d8d8; --bg: #f6f6f4; --card: #fff; --accent: #0072B2; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1280px; margin: 0 auto; padding: 16px 20px 40px; }
h1 { font-size: 22px; margin: 4px 0 8px; }
h2 { font-size: 17px; margin: 0 0 10px; }
h3 { font-size: 14px; margin: 12px 0 6px; }
section, header { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 14px 16px; margin: 0 0 14px; }
.status { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; vertical-align: middle; border: 1px solid currentColor; }
.status-done { color: #00664a; } .status-early-stopping { color: #00664a; }
.status-nan, .status-interrupted, .status-incomplete { color: #a33c00; }
dl.meta { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 6px 18px; margin: 8px 0 12px; }
dl.meta div { min-width: 0; } dl.meta dt { color: var(--muted); font-size: 12px; } dl.meta dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
.cols { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 8px 24px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 3px 10px 3px 0; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 12px; }
td.num, th.num { text-align: right; }
tr.avg td { font-weight: 700; border-top: 2px solid var(--fg); }
td code { font-size: 12px; overflow-wrap: anywhere; }
#final td { white-space: nowrap; }
.swatch { display: inline-block; width: 18px; height: 0; border-top: 3px solid; margin: 0 6px 3px 0; vertical-align: middle; }
.swatch.dash1 { border-top-style: dashed; } .swatch.dash2, .swatch.dash3 { border-top-style: dotted; }
.controls { display: flex; flex-wrap: wrap; gap: 6px 22px; align-items: center; margin: 0 0 8px; color: var(--muted); }
.controls input[type=number] { width: 5em; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 10px 20px; }
.charts.small { grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); }
.chart { min-width: 0; }
.js .chart { min-height: 200px; }
.empty, .note { color: var(--muted); font-style: italic; margin: 4px 0; }
.notice { background: #fff4e0; border: 1px solid #e0a040; border-radius: 4px; padding: 6px 10px; margin: 8px 0; }
details summary { cursor: pointer; font-weight: 600; margin: 6px 0; }
footer { color: var(--muted); font-size: 12px; margin-top: 18px; }
footer pre { white-space: pre-wrap; font-size: 11px; }
.uplot { font-family: inherit; }
.uplot .u-title { font-size: 14px; font-weight: 600; text-align: left; padding-left: 8px; }
.uplot .u-legend { font-size: 12px; text-align: left; }
.uplot .u-legend .u-series th { font-weight: 400; color: var(--fg); }
@media (max-width: 640px) { .charts { grid-template-columns: 1fr; } main { padding: 8px; } }
@media print { body { background: #fff; } section, header { break-inside: avoid; border: none; } .controls { display: none; } }
`;
