/** The HTML report: data from ClickHouse (aggregated there), charts drawn by the inlined Chart.js. */
export { loadReportData, type ReportData } from './data.js';
export { buildGantt, type GanttChart, type GanttStep } from './gantt.js';
export { renderReportHtml, escapeHtml } from './html.js';
export { loadChartJs } from './chart-js.js';
export { JOB_TABLE_INPUT, REPORT_SQL } from './queries.js';
