// Shared chart helpers of the manager pages (Chart.js, no date adapter needed).
window.EbbflowCharts = (() => {
  const hhmm = (iso) => {
    const d = new Date(iso);
    return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  };
  const readJson = (id) => {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent || 'null') : null;
  };
  const base = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    plugins: { legend: { display: false } },
  };
  return { hhmm, readJson, base };
})();
