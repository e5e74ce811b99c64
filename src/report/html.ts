import type { ReportData } from './data.js';
import { PAGE_SCRIPT } from './page-script.js';

/**
 * One self-contained HTML page: styles, the Chart.js bundle, the data (a JSON island) and the
 * page script are all inline, and the Content-Security-Policy forbids every network request,
 * so the file opens the same from a CI artifact, GitLab Pages or a local disk.
 */
const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:24px auto;max-width:1200px;color:#333238;padding:0 16px}
h1{font-size:22px}h2{font-size:17px;margin-top:32px;border-bottom:1px solid #dcdcde;padding-bottom:4px}h3{font-size:14px;margin:16px 0 4px}
.chart{position:relative;height:300px}.grid{display:grid;grid-template-columns:1fr 1fr;gap:24px}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}th,td{padding:4px 8px;border-bottom:1px solid #ececef;text-align:right}
th:first-child,td:first-child,th:nth-child(2),td:nth-child(2){text-align:left}th{cursor:pointer;background:#fbfafd;user-select:none}
th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
.scroll{max-height:480px;overflow:auto}.note{color:#626168}`;

/** Text for HTML element content and attribute values. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON or JS that can sit inside <script> without ending it or opening a comment. */
function scriptSafe(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** JSON for a `<script type="application/json">` island: every `<` escaped, so no text inside can end it. */
function jsonIsland(data: unknown): string {
  return JSON.stringify(data).replace(/</g, '\\u003c');
}

const JOB_HEADERS = [
  ['job', 'Job'],
  ['stage', 'Stage'],
  ['runs', 'Runs'],
  ['mean', 'Mean'],
  ['p50', 'p50'],
  ['p95', 'p95'],
  ['failureRate', 'Failure rate'],
  ['retries', 'Retries'],
  ['flakeRate', 'Flake rate'],
] as const;

/** The page for `data`; `chartJs` is the Chart.js UMD bundle's source. */
export function renderReportHtml(data: ReportData, chartJs: string): string {
  const scope =
    `${data.range.from} – ${data.range.to} (to exclusive)` +
    (data.range.projectId ? `, project ${data.range.projectId}` : ', every project');
  const headers = JOB_HEADERS.map(([key, label]) => `<th data-key="${key}" aria-sort="none">${label}</th>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pipeline metrics report</title><style>${STYLE}</style></head>
<body>
<h1>Where the pipeline time goes</h1>
<p class="note">Pipelines started ${escapeHtml(scope)}. Generated ${escapeHtml(data.generatedAt)} by pipeline-metrics.</p>
<h2>Fix this first: jobs by total contribution to critical paths</h2>
<div class="chart"><canvas id="chart-fix-first"></canvas></div>
<h2>Critical path of the slowest pipelines</h2>
<p class="note">Each bar is one job attempt on the path: waiting for a need, stage or retry, queued for a runner, running.</p>
<div id="gantt"></div>
<div class="grid">
<section><h2>Pipeline duration per day</h2><div class="chart"><canvas id="chart-daily"></canvas></div></section>
<section><h2>Time to e2e per ref</h2><div class="chart"><canvas id="chart-e2e"></canvas></div></section>
<section><h2>Queue vs run time by runner type</h2><div class="chart"><canvas id="chart-runners"></canvas></div></section>
<section><h2>Slowest log sections (p95)</h2><div class="chart"><canvas id="chart-sections"></canvas></div></section>
</div>
<h2>Jobs</h2>
<p class="note">Click a header to sort. Failure rate: share of attempts that failed. Flake rate: share of the job's pipelines where an attempt failed and a later attempt succeeded.</p>
<div class="scroll"><table id="job-table"><thead><tr>${headers}</tr></thead><tbody></tbody></table></div>
<script type="application/json" id="report-data">${jsonIsland(data)}</script>
<script>${scriptSafe(chartJs)}</script>
<script>${scriptSafe(PAGE_SCRIPT)}</script>
</body></html>
`;
}
