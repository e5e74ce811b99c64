/**
 * The browser side of the report, inlined into the page: reads the data island
 * (`#report-data`, JSON), draws the charts with Chart.js (the global `Chart`, inlined before
 * this script) and makes the job table sortable. Plain ES2017, no network. Animation is off so
 * a screenshot shows the final picture.
 */
export const PAGE_SCRIPT = String.raw`(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var COLORS = { p50: '#1f75cb', p95: '#e9be74', wait: '#a4a3a8', queue: '#e9be74', run: '#1f75cb', mean: '#6e49cb' };
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  var RUNNER_TYPES = { 0: 'unknown', 1: 'instance', 2: 'group', 3: 'project' };
  function num(v) { return v === null ? null : Number(v); }
  function seconds(v) { return v === null ? '' : Number(v).toFixed(1) + ' s'; }
  function percent(v) { return v === null ? '' : (Number(v) * 100).toFixed(1) + ' %'; }
  function dataset(label, values, color, extra) {
    var d = { label: label, data: values, backgroundColor: color, borderColor: color };
    for (var k in extra || {}) d[k] = extra[k];
    return d;
  }
  function axes(horizontal, stacked, title) {
    var value = { beginAtZero: true, stacked: stacked, title: { display: true, text: title } };
    var category = { stacked: stacked };
    return horizontal ? { x: value, y: category } : { x: category, y: value };
  }
  function draw(id, rows, config) {
    var canvas = document.getElementById(id);
    if (!rows.length) { canvas.parentNode.textContent = 'No data in this range.'; return; }
    new Chart(canvas, config);
  }
  function pick(rows, key, f) { return rows.map(function (r) { return (f || num)(r[key]); }); }

  draw('chart-daily', data.dailyDuration, { type: 'line', data: { labels: pick(data.dailyDuration, 'day', String), datasets: [
    dataset('p50', pick(data.dailyDuration, 'p50'), COLORS.p50), dataset('p95', pick(data.dailyDuration, 'p95'), COLORS.p95)] },
    options: { scales: axes(false, false, 'seconds') } });
  draw('chart-e2e', data.timeToE2eByRef, { type: 'bar', data: { labels: pick(data.timeToE2eByRef, 'ref', String), datasets: [
    dataset('p50', pick(data.timeToE2eByRef, 'p50'), COLORS.p50), dataset('p95', pick(data.timeToE2eByRef, 'p95'), COLORS.p95)] },
    options: { scales: axes(false, false, 'seconds to e2e') } });
  draw('chart-runners', data.queueVsRun, { type: 'bar', data: {
    labels: data.queueVsRun.map(function (r) { return RUNNER_TYPES[r.runner_type] || String(r.runner_type); }),
    datasets: [dataset('queue (mean)', pick(data.queueVsRun, 'queue_mean'), COLORS.queue), dataset('run (mean)', pick(data.queueVsRun, 'run_mean'), COLORS.run)] },
    options: { scales: axes(false, true, 'seconds per job') } });
  draw('chart-sections', data.slowestSections, { type: 'bar', data: { labels: pick(data.slowestSections, 'name', String), datasets: [
    dataset('p95', pick(data.slowestSections, 'p95'), COLORS.p95), dataset('mean', pick(data.slowestSections, 'mean'), COLORS.mean)] },
    options: { indexAxis: 'y', scales: axes(true, false, 'seconds') } });
  draw('chart-fix-first', data.fixFirst, { type: 'bar', data: { labels: pick(data.fixFirst, 'name', String), datasets: [
    dataset('waiting', pick(data.fixFirst, 'wait'), COLORS.wait), dataset('queued', pick(data.fixFirst, 'queue'), COLORS.queue),
    dataset('running', pick(data.fixFirst, 'run'), COLORS.run)] },
    options: { indexAxis: 'y', scales: axes(true, true, 'seconds on critical paths (all pipelines)') } });

  var gantt = document.getElementById('gantt');
  if (!data.gantt.length) gantt.textContent = 'No critical path in this range.';
  data.gantt.forEach(function (p, i) {
    var box = document.createElement('div');
    box.className = 'chart gantt';
    box.style.height = (60 + 26 * p.steps.length) + 'px';
    var title = document.createElement('h3');
    title.textContent = 'Pipeline ' + p.id + (p.name ? ' ' + p.name : '') + ' (' + p.ref + '): duration ' + seconds(p.duration) + ', critical path ' + seconds(p.pathDuration);
    var canvas = document.createElement('canvas');
    canvas.id = 'chart-gantt-' + i;
    box.appendChild(canvas);
    gantt.appendChild(title);
    gantt.appendChild(box);
    var labels = p.steps.map(function (s, k) { return (k + 1) + '. ' + s.name; });
    function bars(from, to) { return p.steps.map(function (s) { return [from(s), to(s)]; }); }
    var runStart = function (s) { return s.end - s.run; };
    var queueStart = function (s) { return runStart(s) - s.queue; };
    new Chart(canvas, { type: 'bar', data: { labels: labels, datasets: [
      dataset('waiting', bars(function (s) { return queueStart(s) - s.wait; }, queueStart), COLORS.wait, { grouped: false }),
      dataset('queued', bars(queueStart, runStart), COLORS.queue, { grouped: false }),
      dataset('running', bars(runStart, function (s) { return s.end; }), COLORS.run, { grouped: false })] },
      options: { indexAxis: 'y', scales: { x: { min: 0, title: { display: true, text: 'seconds since the pipeline was created (child pipelines included)' } } } } });
  });

  var table = document.getElementById('job-table');
  var COLUMNS = [['job', String], ['stage', String], ['runs', num], ['mean', seconds, 1000], ['p50', seconds, 1000], ['p95', seconds, 1000],
    ['failureRate', percent], ['retries', num], ['flakeRate', percent]];
  var rows = data.jobTable.slice();
  var order = { key: 'mean', desc: true };
  function cell(row, column) {
    var v = row[column[0]];
    if (v === null) return '';
    return column[2] ? column[1](Number(v) / column[2]) : column[1](v);
  }
  function render() {
    rows.sort(function (a, b) {
      var x = a[order.key], y = b[order.key];
      var c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return order.desc ? -c : c;
    });
    table.tBodies[0].innerHTML = '';
    rows.forEach(function (row) {
      var tr = table.tBodies[0].insertRow();
      COLUMNS.forEach(function (column) { tr.insertCell().textContent = cell(row, column); });
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.setAttribute('aria-sort', th.dataset.key === order.key ? (order.desc ? 'descending' : 'ascending') : 'none');
    });
  }
  table.tHead.addEventListener('click', function (event) {
    var key = event.target.dataset && event.target.dataset.key;
    if (!key) return;
    order = { key: key, desc: order.key === key ? !order.desc : true };
    render();
  });
  render();
})();`;
