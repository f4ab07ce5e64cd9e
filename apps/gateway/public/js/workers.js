// "Worker List": the table follows the pool live (Server-Sent Events at /live/workers), falling
// back to polling /live/workers.json while the stream is down; plus the pool chart and activity.
(() => {
  const table = document.getElementById('workers');
  const tbody = table.querySelector('tbody');
  const csrf = table.dataset.csrf;
  const pollMs = Number(table.dataset.pollMs) || 5000;
  const staleMs = Number(table.dataset.staleMs) || 30000;
  const status = document.getElementById('live-status');
  const desired = document.getElementById('desired');
  const unavailable = document.getElementById('unavailable');
  const activity = document.getElementById('activity');

  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    for (const c of children) node.append(c);
    return node;
  };
  const age = (iso) => {
    const s = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
    if (s < 60) return `${s} s`;
    if (s < 3600) return `${Math.floor(s / 60)} min`;
    if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
    return `${Math.floor(s / 86400)} d`;
  };

  function row(w) {
    const destroy = el(
      'form',
      {
        method: 'post',
        action: `/workers/${w.id}/destroy`,
        'data-confirm': `Destroy worker ${w.id}? It is drained first.`,
      },
      el('input', { type: 'hidden', name: '_csrf', value: csrf }),
      el('button', { type: 'submit', class: 'danger small' }, 'Destroy'),
    );
    return el(
      'tr',
      { 'data-id': w.id },
      el('td', {}, el('code', {}, w.id)),
      el('td', {}, el('span', { class: `badge state-${w.state}` }, w.state)),
      el('td', {}, el('span', { class: `badge health-${w.health}` }, w.health)),
      el('td', {}, w.address || ''),
      el('td', { 'data-launched': w.launchedAt }, age(w.launchedAt)),
      el(
        'td',
        { class: 'actions' },
        el('a', { class: 'button small', href: `/workers/${w.id}` }, 'Detailed'),
        destroy,
      ),
    );
  }

  // When the list last got a fresh view of the pool: a live event, or a polled answer newer than
  // the previous one (the gateway answers its last known view while the fleet is silent).
  let lastFresh = Date.now();
  let lastAt = null;
  let mode = { text: 'static', kind: 'muted' };

  function render(view) {
    if (view.at !== lastAt) {
      lastAt = view.at;
      lastFresh = Date.now();
    }
    const workers = view.workers.filter((w) => w.state !== 'terminated');
    tbody.replaceChildren(
      ...(workers.length
        ? workers.map(row)
        : [el('tr', { class: 'empty' }, el('td', { colspan: '6' }, 'No worker in the pool.'))]),
    );
    desired.textContent = view.desired === null ? '?' : String(view.desired);
    unavailable.hidden = true;
    pool.setDesired(view.desired);
  }

  function addActivity(line) {
    const empty = activity.querySelector('.empty');
    if (empty) empty.remove();
    const time = new Date(line.at).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
    activity.prepend(
      el(
        'li',
        { class: `kind-${line.kind}` },
        el('time', { datetime: line.at }, time),
        ' ',
        el('span', { class: 'what' }, line.message),
        ' ',
        el('span', { class: 'why' }, line.cause),
      ),
    );
    while (activity.children.length > 100) activity.lastElementChild.remove();
    if (line.kind === 'pool-changed' || line.kind === 'scaler-decision') pool.add(line);
  }

  function setStatus(text, kind) {
    mode = { text, kind };
    showStatus();
  }
  // The badge says "live" / "polling" only while the data is fresh; past LIVE_STALE_S it says
  // since when the rows are old (they stay: old data beats an empty table, marked as old).
  function showStatus() {
    const stale = mode.kind !== 'muted' && Date.now() - lastFresh > staleMs;
    const since = new Date(lastFresh).toISOString().replace('T', ' ').slice(11, 19) + ' UTC';
    status.textContent = stale ? `stale since ${since}` : mode.text;
    status.className = `badge ${stale ? 'stale' : mode.kind}`;
    status.title = stale
      ? `No fresh data from the fleet since ${since} (was ${mode.text})`
      : 'How this list is kept up to date';
  }
  setInterval(showStatus, 1000);

  let pollTimer;
  async function poll() {
    try {
      const res = await fetch('/live/workers.json', { headers: { accept: 'application/json' } });
      if (res.status === 401) {
        window.location.href = '/login?next=/workers';
        return;
      }
      const body = await res.json();
      if (res.ok) {
        render(body);
        showStatus();
      } else {
        unavailable.textContent = body.message;
        unavailable.hidden = false;
      }
    } catch {
      /* the gateway itself is unreachable; keep trying */
    }
  }
  function startPolling() {
    if (pollTimer) return;
    setStatus('polling', 'polling');
    pollTimer = setInterval(poll, pollMs);
    void poll();
  }
  function stopPolling() {
    clearInterval(pollTimer);
    pollTimer = undefined;
  }

  if ('EventSource' in window) {
    const source = new EventSource('/live/workers');
    source.addEventListener('open', () => {
      stopPolling();
      setStatus('live', 'live');
    });
    source.addEventListener('error', () => startPolling());
    source.addEventListener('fleet', (e) => {
      render(JSON.parse(e.data));
      showStatus();
    });
    source.addEventListener('activity', (e) => addActivity(JSON.parse(e.data)));
    source.addEventListener('unavailable', (e) => {
      unavailable.textContent = JSON.parse(e.data).message;
      unavailable.hidden = false;
    });
    window.addEventListener('beforeunload', () => source.close());
  } else {
    startPolling();
  }
  setInterval(() => {
    for (const cell of tbody.querySelectorAll('td[data-launched]'))
      cell.textContent = age(cell.dataset.launched);
  }, 5000);

  // Pool size over time (stepped line, up to now) with the auto-scaler's changes as points.
  const pool = (() => {
    const { hhmm, readJson, base } = window.EbbflowCharts;
    const data = readJson('pool-data') || { size: [], decisions: [], current: null };
    const since = new Date(data.since).getTime();
    const changes = data.size.map((p) => ({ x: new Date(p.t).getTime(), y: p.v }));
    let current = data.current ?? (changes.length ? changes[changes.length - 1].y : null);
    const decisions = data.decisions.map((d) => ({ x: new Date(d.t).getTime(), y: d.v, message: d.message }));
    const chart = new Chart(document.getElementById('pool-chart'), {
      type: 'line',
      data: {
        datasets: [
          { label: 'Desired size', data: [], stepped: true, borderColor: '#2457d6', pointRadius: 0, fill: false },
          { label: 'Auto-scaler change', data: decisions, type: 'scatter', pointRadius: 6, pointStyle: 'triangle', backgroundColor: '#b42318', borderColor: '#b42318' },
        ],
      },
      options: {
        ...base,
        plugins: {
          legend: { display: true, position: 'bottom' },
          tooltip: { callbacks: { afterLabel: (ctx) => (ctx.raw && ctx.raw.message ? ctx.raw.message : '') } },
        },
        scales: {
          x: { type: 'linear', min: since, max: Date.now(), ticks: { stepSize: 10 * 60000, callback: (v) => hhmm(v) } },
          y: { beginAtZero: true, suggestedMax: 2, ticks: { precision: 0 } },
        },
      },
    });
    function redraw() {
      const points = [...changes];
      if (current !== null) {
        if (!points.length) points.push({ x: since, y: current });
        points.push({ x: Date.now(), y: current });
      }
      chart.data.datasets[0].data = points;
      chart.options.scales.x.max = Date.now();
      chart.update();
    }
    redraw();
    setInterval(redraw, 30000);
    return {
      /** setDesired follows the desired size shown in the table. */
      setDesired(desired) {
        if (desired === null || desired === current) return;
        if (current !== null) changes.push({ x: Date.now(), y: desired });
        current = desired;
        redraw();
      },
      add(line) {
        const d = line.data || {};
        const x = new Date(line.at).getTime();
        if (line.kind === 'pool-changed') {
          changes.push({ x, y: d.desired });
          changes.sort((a, b) => a.x - b.x);
          current = d.desired;
        } else if (d.sizeAfter !== d.sizeBefore) {
          decisions.push({ x, y: d.sizeAfter, message: d.message });
        }
        redraw();
      },
    };
  })();
})();
