/** The HTML report: data from ClickHouse (aggregated there), charts drawn by the inlined Chart.js. */
export { loadReportData, type ReportData } from './data.js';
export { renderReportHtml } from './html.js';
export { loadChartJs } from './chart-js.js';
