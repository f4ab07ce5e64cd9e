// "Detailed": CPU utilization (average per minute) and HTTP requests (sum per minute).
(() => {
  const { hhmm, readJson, base } = window.EbbflowCharts;
  const data = readJson('metrics-data') || { cpu: [], requests: [] };
  new Chart(document.getElementById('cpu-chart'), {
    type: 'line',
    data: {
      labels: data.cpu.map((p) => hhmm(p.t)),
      datasets: [
        {
          label: 'CPU %',
          data: data.cpu.map((p) => p.v),
          borderColor: '#2457d6',
          backgroundColor: 'rgba(36, 87, 214, 0.12)',
          fill: true,
          spanGaps: false,
          tension: 0.2,
          pointRadius: 2,
        },
      ],
    },
    options: {
      ...base,
      scales: { y: { beginAtZero: true, suggestedMax: 100, title: { display: true, text: '%' } } },
    },
  });
  new Chart(document.getElementById('requests-chart'), {
    type: 'bar',
    data: {
      labels: data.requests.map((p) => hhmm(p.t)),
      datasets: [
        { label: 'Requests', data: data.requests.map((p) => p.v), backgroundColor: '#1f7a45' },
      ],
    },
    options: { ...base, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
})();
