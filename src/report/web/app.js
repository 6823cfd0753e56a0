// symnas dashboard / report: takes the JSON of a study (GET api/studies/N from `symnas dashboard`,
// refreshed every few seconds, or the document embedded by `symnas report`) and draws the views:
// summary, trials table, optimisation history, accuracy against cost, Pareto front, symbolic
// story, rule weights, one trial. Statuses are plain strings: whatever the store holds is shown.
(function () {
  'use strict';
  const embedded = document.getElementById('symnas-data');
  const STATIC = embedded !== null;
  const REPORT = STATIC ? JSON.parse(embedded.textContent) : null;
  const REFRESH_MS = 3000;
  const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2',
    '#7f7f7f', '#bcbd22', '#17becf'];
  const FEASIBLE = '#1f77b4', INFEASIBLE = '#d62728', BEST = '#2ca02c';
  const state = { studies: [], index: 0, view: null, viewText: '', trialId: null,
    sort: { key: 'id', dir: 1 }, charts: {} };

  // ---- data access: the server's API, or the embedded report ----
  async function fetchJson(url) {
    const response = await fetch(url, { cache: 'no-store' });
    if (!response.ok) throw new Error(url + ': HTTP ' + response.status);
    return response.json();
  }
  const api = {
    studies: () => STATIC ? Promise.resolve(REPORT.studies.map((s, i) => (
      { index: i, label: s.view.label, name: s.view.name }))) : fetchJson('api/studies'),
    view: (i) => STATIC ? Promise.resolve(REPORT.studies[i].view) : fetchJson('api/studies/' + i),
    trial: (i, id) => STATIC ? Promise.resolve(REPORT.studies[i].trials[String(id)] || null)
      : fetchJson('api/studies/' + i + '/trial?id=' + encodeURIComponent(id)),
  };

  // ---- DOM helpers (text only: study content never becomes markup) ----
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (key === 'class') node.className = value;
      else if (key === 'dataset') Object.assign(node.dataset, value);
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }
  const $ = (id) => document.getElementById(id);
  function fill(node, ...children) {
    node.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined));
  }
  function fmt(value, digits) {
    if (value === null || value === undefined) return '–';
    if (typeof value === 'boolean') return value ? 'yes' : 'no';
    if (typeof value !== 'number') return String(value);
    if (Number.isInteger(value) && Math.abs(value) < 1e6) return String(value);
    const a = Math.abs(value);
    if (a !== 0 && (a >= 1e6 || a < 1e-3)) return value.toExponential(digits || 3);
    return value.toFixed(digits === undefined ? 4 : digits);
  }
  function statusChip(status) { return el('span', { class: 'status status-' + status }, status); }

  // ---- charts ----
  function chart(id, config, points) {
    if (state.charts[id]) state.charts[id].destroy();
    config.options = Object.assign({ animation: false, responsive: true,
      maintainAspectRatio: false }, config.options || {});
    state.charts[id] = new Chart($(id), config);
    $(id).dataset.points = String(points);
    $(id).dataset.drawn = '1';
  }
  // Log-axis labels at 1, 2 and 5 times a power of ten, in SI form (2M, 10M, 500k).
  function logTick(value) {
    if (!(value > 0)) return '';
    const power = Math.floor(Math.log10(value) + 1e-9);
    if (![1, 2, 5].includes(Math.round(value / 10 ** power))) return '';
    const units = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
    const [scale, suffix] = units.find(([u]) => value >= u) || [1, ''];
    return String(Number((value / scale).toPrecision(3))) + suffix;
  }
  function axis(title, type) { return { type: type || 'linear', title: { display: true, text: title } }; }
  function pickTrial(items, datasets) {
    if (!items.length) return;
    const point = datasets[items[0].datasetIndex].data[items[0].index];
    if (point && point.trial !== undefined) selectTrial(point.trial);
  }
  function trialTooltip(ctx) {
    const p = ctx.raw;
    return (p.trial !== undefined ? 'trial ' + p.trial + ': ' : '') + fmt(p.x) + ', ' + fmt(p.y);
  }

  // ---- views ----
  function renderSummary(v) {
    const best = v.trials.find((t) => t.id === v.best_trial);
    const chips = Object.entries(v.statuses).map(([s, n]) => el('span', {}, statusChip(s), ' ' + n));
    fill($('summary').querySelector('.body'), el('dl', {},
      el('dt', {}, 'study'), el('dd', {}, v.name + ' (' + v.label + ')'),
      el('dt', {}, 'strategy'), el('dd', {}, v.strategy || '–'),
      el('dt', {}, 'objective'), el('dd', {}, v.objective.description || v.objective.kind),
      el('dt', {}, 'trials'), el('dd', { class: 'chips' },
        v.trials_finished + ' finished of ' + fmt(v.trials_target) + ': ', chips),
      el('dt', {}, 'budgets'), el('dd', {}, v.budgets.length ? v.budgets.map(
        (b) => b.metric + ' ≤ ' + fmt(b.budget)).join(', ') : 'none'),
      el('dt', {}, 'best trial'), el('dd', {}, best ? 'trial ' + best.id + ': score ' +
        fmt(best.score) + ', accuracy ' + fmt(best.accuracy) + (best.feasible ? '' : ' (infeasible)')
        : 'none complete yet')));
  }

  function trialColumns(v) {
    const cols = [
      { key: 'id', label: 'trial', get: (t) => t.id },
      { key: 'status', label: 'status', get: (t) => t.interrupted ? 'interrupted' : t.status,
        cell: (t) => statusChip(t.interrupted ? 'interrupted' : t.status) },
      { key: 'accuracy', label: 'accuracy', get: (t) => t.accuracy },
      { key: 'score', label: 'score', get: (t) => t.score },
      { key: 'feasible', label: 'feasible', get: (t) => t.feasible },
    ];
    for (const m of v.cost_metrics) {
      cols.push({ key: 'm:' + m, label: m, get: (t) => t.metrics[m] === undefined ? null : t.metrics[m] });
    }
    cols.push({ key: 'cpu_seconds', label: 'CPU s', get: (t) => t.cpu_seconds },
      { key: 'wall_seconds', label: 'wall s', get: (t) => t.wall_seconds },
      { key: 'epochs', label: 'epochs', get: (t) => t.epochs },
      { key: 'strategy', label: 'proposed by', get: (t) => t.strategy },
      { key: 'params', label: 'parameters', get: (t) => Object.entries(t.params).map(
        ([k, x]) => k + '=' + fmt(x)).join(' ') },
      { key: 'error', label: 'error', get: (t) => t.error });
    return cols;
  }
  function compare(a, b) {
    if (a === b) return 0;
    if (a === null || a === undefined) return 1;
    if (b === null || b === undefined) return -1;
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    return String(a).localeCompare(String(b));
  }
  function renderTrials(v) {
    const cols = trialColumns(v);
    const statusSelect = $('status-filter');
    const statuses = Object.keys(v.statuses).sort();
    const chosen = statusSelect.value;
    fill(statusSelect, el('option', { value: '' }, 'all'),
      statuses.map((s) => el('option', { value: s }, s)));
    statusSelect.value = statuses.includes(chosen) ? chosen : '';
    const text = $('trial-filter').value.trim().toLowerCase();
    const col = cols.find((c) => c.key === state.sort.key) || cols[0];
    const rows = v.trials.filter((t) => {
      if (statusSelect.value && cols[1].get(t) !== statusSelect.value) return false;
      return !text || cols.some((c) => fmt(c.get(t)).toLowerCase().includes(text));
    }).sort((a, b) => {
      const x = col.get(a), y = col.get(b);
      if (x === null || x === undefined || y === null || y === undefined) return compare(x, y);
      return state.sort.dir * compare(x, y);
    });
    fill($('trial-table').tHead, el('tr', {}, cols.map((c) => el('th', {
      dataset: { key: c.key }, title: 'sort by ' + c.label,
      onclick: () => { state.sort = { key: c.key, dir: state.sort.key === c.key ? -state.sort.dir : 1 };
        renderTrials(state.view); } },
      c.label + (c.key === state.sort.key ? (state.sort.dir > 0 ? ' ▲' : ' ▼') : '')))));
    fill($('trial-table').tBodies[0], rows.map((t) => el('tr', {
      class: t.id === state.trialId ? 'selected' : '', dataset: { trial: t.id, status: t.status },
      onclick: () => selectTrial(t.id) },
    cols.map((c) => {
      const value = c.get(t);
      const numeric = typeof value === 'number';
      const cls = (numeric ? 'num' : '') + (c.key === 'feasible' && value === false ? ' infeasible' : '');
      return el('td', { class: cls }, c.cell ? c.cell(t) : fmt(value));
    }))));
    $('trial-count').textContent = rows.length + ' of ' + v.trials.length + ' trials';
  }

  function renderHistory(v) {
    const x = $('history-x').value;
    const xOf = (h) => x === 'trial' ? h.trial : h[x];
    const scored = v.history.filter((h) => h.score !== null);
    const mark = (feasible) => scored.filter((h) => h.feasible === feasible)
      .map((h) => ({ x: xOf(h), y: h.score, trial: h.trial }));
    const best = v.history.filter((h) => h.best_score !== null)
      .map((h) => ({ x: xOf(h), y: h.best_score, trial: h.best_trial }));
    const datasets = [
      { label: 'best feasible score', data: best, showLine: true, stepped: 'before',
        borderColor: BEST, backgroundColor: BEST, pointRadius: 0, borderWidth: 2 },
      { label: 'feasible trial', data: mark(true), backgroundColor: FEASIBLE },
      { label: 'infeasible trial', data: mark(false), backgroundColor: INFEASIBLE,
        pointStyle: 'crossRot', borderColor: INFEASIBLE, pointRadius: 5 }];
    chart('history-chart', { type: 'scatter', data: { datasets }, options: {
      scales: { x: Object.assign(axis(x === 'trial' ? 'trial' : 'cumulative ' + x.replace('_', ' ')),
        x === 'trial' ? { ticks: { precision: 0 } } : {}), y: axis('objective score') },
      onClick: (e, items) => pickTrial(items, datasets),
      plugins: { tooltip: { callbacks: { label: trialTooltip } } } } }, scored.length);
  }

  function renderCost(v) {
    const select = $('cost-metric');
    const chosen = select.value;
    fill(select, v.cost_metrics.map((m) => el('option', { value: m }, m)));
    const preferred = ['flops', 'latency_ms', 'peak_memory_bytes', 'model_size_bytes', 'params'];
    select.value = v.cost_metrics.includes(chosen) ? chosen
      : (preferred.find((m) => v.cost_metrics.includes(m)) || v.cost_metrics[0] || '');
    const metric = select.value;
    const log = $('cost-log').checked;
    const points = v.trials.filter((t) => t.accuracy !== null && t.metrics[metric] !== undefined &&
      (!log || t.metrics[metric] > 0));
    const of = (feasible) => points.filter((t) => t.feasible === feasible)
      .map((t) => ({ x: t.metrics[metric], y: t.accuracy, trial: t.id }));
    const datasets = [
      { label: 'feasible', data: of(true), backgroundColor: FEASIBLE },
      { label: 'infeasible (over a budget)', data: of(false), backgroundColor: INFEASIBLE,
        borderColor: INFEASIBLE, pointStyle: 'crossRot', pointRadius: 6 }];
    const ys = points.map((t) => t.accuracy);
    const lo = ys.length ? Math.min(...ys) : 0, hi = ys.length ? Math.max(...ys) : 1;
    for (const b of v.budgets.filter((b) => b.metric === metric)) {
      datasets.push({ label: 'budget ' + metric + ' ≤ ' + fmt(b.budget), showLine: true,
        data: [{ x: b.budget, y: lo }, { x: b.budget, y: hi }], borderColor: '#000',
        borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5 });
    }
    const x = axis(metric, log ? 'logarithmic' : 'linear');
    if (log) x.ticks = { autoSkip: true, callback: logTick };
    chart('cost-chart', { type: 'scatter', data: { datasets }, options: {
      scales: { x, y: axis('validation accuracy') },
      onClick: (e, items) => pickTrial(items, datasets),
      plugins: { tooltip: { callbacks: { label: trialTooltip } } } } }, points.length);
  }

  function renderPareto(v) {
    const p = v.pareto;
    $('pareto').hidden = !p;
    if (!p) return;
    const names = p.names;
    const front = new Set(p.front);
    const at = (q) => ({ x: q.vector[0], y: q.vector.length > 1 ? q.vector[1] : 0, trial: q.trial });
    const frontPoints = p.points.filter((q) => front.has(q.trial)).map(at).sort((a, b) => a.x - b.x);
    const datasets = [
      { label: 'Pareto front', data: frontPoints, showLine: true, stepped: 'after',
        borderColor: BEST, backgroundColor: BEST, pointRadius: 5 },
      { label: 'dominated', data: p.points.filter((q) => !front.has(q.trial)).map(at),
        backgroundColor: '#90a4ae' }];
    chart('pareto-chart', { type: 'scatter', data: { datasets }, options: {
      scales: { x: axis(names[0] + ' (minimised)'), y: axis((names[1] || '') + ' (minimised)') },
      onClick: (e, items) => pickTrial(items, datasets),
      plugins: { tooltip: { callbacks: { label: trialTooltip } } } } }, p.points.length);
    const hv = p.hypervolume.map((h) => ({ x: h.trial, y: h.hypervolume }));
    chart('hypervolume-chart', { type: 'scatter', data: { datasets: [{ label: 'hypervolume',
      data: hv, showLine: true, borderColor: FEASIBLE, backgroundColor: FEASIBLE }] },
    options: { scales: { x: Object.assign(axis('trial'), { ticks: { precision: 0 } }),
      y: axis('hypervolume') } } }, hv.length);
    $('pareto-note').textContent = p.front.length + ' non-dominated of ' + p.points.length +
      ' completed trials' + (p.reference ? '; hypervolume w.r.t. reference [' + p.reference.map(
        (r) => fmt(r)).join(', ') + '] (' + p.reference_source + ')' : '');
  }

  function renderStory(v) {
    const s = v.story;
    $('story-note').textContent = s.has_annotations ? (s.note || '')
      : 'This study has no diagnoses or tuning actions (strategy ' + (v.strategy || '?') +
        '; run with --strategy symbolic for the symbolic story).';
    fill($('story-table').tBodies[0], s.steps.map((step) => el('tr', {
      dataset: { trial: step.trial, status: step.status } },
    el('td', { class: 'num' }, step.step), el('td', { class: 'num' }, step.trial),
    el('td', {}, statusChip(step.status)),
    el('td', { class: 'num' + (step.feasible === false ? ' infeasible' : '') },
      fmt(step.score) + (step.feasible === false ? ' (over)' : '')),
    el('td', { class: 'wrap' }, step.problems.length ? step.problems.map((d, i) => [i ? ', ' : '',
      el('span', { class: 'problem' }, d.problem + (d.probability < 1 ? ' p=' + fmt(d.probability, 2) : ''))]) : '–'),
    el('td', { class: 'wrap' }, step.actions.length ? step.actions.map((a, i) => [i ? '; ' : '',
      el('span', { class: a.applied ? 'rule applied' : 'rule considered',
        title: a.applied ? 'applied' : 'considered, not applied' },
      a.action + (a.problem ? ' [' + a.problem + ']' : '') + ' p=' + fmt(a.probability, 2))]) : '–'),
    el('td', {}, step.helped),
    el('td', { class: 'wrap' }, step.edits.length ? step.edits.map((e) => el('div', {}, e.text)) : '–'))));
    const rejected = v.trials.filter((t) => t.status === 'rejected');
    fill($('rejected'), rejected.length ? el('table', { id: 'rejected-table' },
      el('thead', {}, el('tr', {}, el('th', {}, 'trial'), el('th', {}, 'estimated costs'),
        el('th', {}, 'reason'))),
      el('tbody', {}, rejected.map((t) => el('tr', { dataset: { trial: t.id } },
        el('td', { class: 'num' }, t.id),
        el('td', { class: 'wrap' }, Object.entries(t.metrics).map(([k, x]) => k + '=' + fmt(x)).join(', ')),
        el('td', { class: 'wrap' }, t.error || '–')))))
      : el('p', { class: 'note' }, 'none: no trial of this study has status "rejected"'));
    renderWeights(s.weights);
  }

  function renderWeights(w) {
    const labels = ['initial', ...w.series.map((r) => 'after ' + r.trial)];
    const rows = w.rules.map((rule) => ({ rule, data: [w.initial[rule] === undefined ? null : w.initial[rule],
      ...w.series.map((r) => r.weights[rule] === undefined ? null : r.weights[rule])] }));
    // Rules whose weight was learned (changed) first; only they are drawn when there are any.
    const changed = (r) => r.data.some((x) => x !== null && x !== r.data.find((y) => y !== null));
    rows.sort((a, b) => Number(changed(b)) - Number(changed(a)));
    const drawn = rows.some(changed) ? rows.filter(changed) : rows;
    const datasets = drawn.map((r, i) => ({ label: r.rule, data: r.data, spanGaps: true,
      borderColor: COLORS[i % COLORS.length], backgroundColor: COLORS[i % COLORS.length] }));
    chart('weights-chart', { type: 'line', data: { labels, datasets }, options: {
      scales: { y: Object.assign(axis('weight'), { min: 0, max: 1 }) },
      plugins: { title: { display: true, text: !rows.some(changed)
        ? 'no weight learned yet: initial weights of all ' + rows.length + ' rules'
        : drawn.length < rows.length ? 'the ' + drawn.length + ' rules whose weight was learned' +
          ' (table: all ' + rows.length + ')' : 'all ' + rows.length + ' rules' },
      legend: { display: drawn.length <= 12, position: 'bottom',
        labels: { boxWidth: 10, font: { size: 10 } } } } } },
    drawn.length * labels.length);
    fill($('weights-table').tHead, el('tr', {}, el('th', {}, 'rule'), labels.map((l) => el('th', {}, l))));
    fill($('weights-table').tBodies[0], rows.map((r) => el('tr', { dataset: { rule: r.rule },
      class: changed(r) ? 'learned' : '' },
    el('td', {}, r.rule), r.data.map((x) => el('td', { class: 'num' }, fmt(x, 3))))));
  }

  function renderArchitecture(arch) {
    if (!arch || typeof arch !== 'object') return null;
    const items = [];
    if (arch.input) items.push('input ' + arch.input.channels + '×' + arch.input.height + '×' + arch.input.width);
    for (const [i, b] of (arch.blocks || []).entries()) {
      items.push('conv block ' + (i + 1) + ': ' + b.convs + '× conv ' + b.kernel_size + '×' +
        b.kernel_size + ', ' + b.filters + ' filters, ' + b.activation + (b.batch_norm ? ', batch norm' : '') +
        ', ' + b.pool + ' pool, dropout ' + fmt(b.dropout, 2));
    }
    for (const [i, d] of (arch.dense || []).entries()) {
      items.push('dense ' + (i + 1) + ': ' + d.units + ' units, ' + d.activation + ', dropout ' + fmt(d.dropout, 2));
    }
    if (arch.classes !== undefined) items.push('output: ' + arch.classes + ' classes');
    const t = arch.training;
    if (t) items.push('training: ' + t.optimizer + ', lr ' + fmt(t.learning_rate) + ', batch ' +
      t.batch_size + ', ' + t.epochs + ' epochs');
    return [el('h3', {}, 'Architecture'), el('ol', { id: 'architecture' }, items.map((x) => el('li', {}, x)))];
  }

  async function renderTrial() {
    const select = $('trial-select');
    fill(select, state.view.trials.map((t) => el('option', { value: t.id }, String(t.id))));
    if (state.trialId === null) return;
    select.value = String(state.trialId);
    const t = await api.trial(state.index, state.trialId);
    if (!t) return;
    const c = t.curves;
    const n = Math.max(c.train_loss.length, c.val_loss.length, c.train_acc.length, c.val_acc.length);
    const series = (key, label, color, yAxisID, dash) => ({ label, data: c[key], borderColor: color,
      backgroundColor: color, yAxisID, borderDash: dash || [] });
    chart('curves-chart', { type: 'line', data: { labels: Array.from({ length: n }, (_, i) => i + 1),
      datasets: [series('train_loss', 'train loss', COLORS[0], 'loss'),
        series('val_loss', 'validation loss', COLORS[1], 'loss'),
        series('train_acc', 'train accuracy', COLORS[0], 'acc', [5, 3]),
        series('val_acc', 'validation accuracy', COLORS[1], 'acc', [5, 3])] },
    options: { scales: { x: axis('epoch', 'category'), loss: Object.assign(axis('loss'), { position: 'left' }),
      acc: Object.assign(axis('accuracy'), { position: 'right', min: 0, max: 1,
        grid: { drawOnChartArea: false } }) },
    plugins: { title: { display: true, text: n ? 'learning curves of trial ' + t.id
      : 'trial ' + t.id + ' has no learning curves (not trained by epochs)' } } } }, n);
    const d = t.details && typeof t.details === 'object' ? t.details : {};
    const rest = Object.fromEntries(Object.entries(d).filter(([k]) => k !== 'architecture'));
    fill($('trial-detail'), el('dl', {},
      el('dt', {}, 'status'), el('dd', {}, statusChip(t.interrupted ? 'interrupted' : t.status)),
      el('dt', {}, 'accuracy'), el('dd', {}, fmt(t.accuracy) + (t.test_accuracy !== null ? ' (test ' + fmt(t.test_accuracy) + ')' : '')),
      el('dt', {}, 'score'), el('dd', {}, fmt(t.score) + (t.feasible === false ? ' (infeasible)' : '')),
      el('dt', {}, 'metrics'), el('dd', {}, Object.entries(t.metrics).map(([k, x]) => k + '=' + fmt(x)).join(', ') || '–'),
      el('dt', {}, 'parameters'), el('dd', {}, Object.entries(t.params).map(([k, x]) => k + '=' + fmt(x)).join(', ')),
      el('dt', {}, 'diagnoses'), el('dd', {}, t.diagnoses.map((x) => x.problem).join(', ') || '–'),
      el('dt', {}, 'actions'), el('dd', {}, t.actions.map((a) => a.action + (a.applied ? '' : ' (not applied)')).join(', ') || '–'),
      t.error ? [el('dt', {}, 'error'), el('dd', {}, t.error)] : null),
    renderArchitecture(d.architecture), el('h3', {}, 'Details'), el('pre', {}, JSON.stringify(rest, null, 1)));
  }

  function selectTrial(id) {
    state.trialId = id;
    for (const row of $('trial-table').tBodies[0].rows) {
      row.classList.toggle('selected', row.dataset.trial === String(id));
    }
    renderTrial().catch(showError);
  }

  // ---- loading and refreshing ----
  function showError(error) { $('updated').textContent = 'error: ' + error.message; }
  async function render(v) {
    state.view = v;
    if (state.trialId === null || !v.trials.some((t) => t.id === state.trialId)) {
      state.trialId = v.best_trial !== null ? v.best_trial : (v.trials.length ? v.trials[0].id : null);
    }
    document.title = 'symnas: ' + v.name;
    renderSummary(v); renderTrials(v); renderHistory(v); renderCost(v); renderPareto(v); renderStory(v);
    await renderTrial();
    document.body.dataset.trials = String(v.trials.length);
    document.body.dataset.ready = '1';
  }
  async function load(force) {
    const v = await api.view(state.index);
    const text = JSON.stringify(v);
    if (!force && text === state.viewText) return;
    state.viewText = text;
    await render(v);
    $('updated').textContent = STATIC ? 'static report' : 'live, updated ' + new Date().toLocaleTimeString();
  }
  async function start() {
    $('mode').textContent = STATIC ? 'report' : 'dashboard';
    state.studies = await api.studies();
    fill($('study-select'), state.studies.map((s) => el('option', { value: s.index }, s.name + ' (' + s.label + ')')));
    $('study-picker').hidden = state.studies.length < 2;
    $('study-select').addEventListener('change', () => {
      state.index = Number($('study-select').value); state.trialId = null; load(true).catch(showError);
    });
    $('trial-filter').addEventListener('input', () => renderTrials(state.view));
    $('status-filter').addEventListener('change', () => renderTrials(state.view));
    $('history-x').addEventListener('change', () => renderHistory(state.view));
    $('cost-metric').addEventListener('change', () => renderCost(state.view));
    $('cost-log').addEventListener('change', () => renderCost(state.view));
    $('trial-select').addEventListener('change', () => selectTrial(Number($('trial-select').value)));
    await load(true);
    if (!STATIC) setInterval(() => load(false).catch(showError), REFRESH_MS);
  }
  start().catch(showError);
})();
