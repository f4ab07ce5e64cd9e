// "Delete": follows the janitor's progress for this run and shows the counts when it ends.
(() => {
  const section = document.getElementById('clear-run');
  if (!section || section.dataset.done === 'yes' || !('EventSource' in window)) return;
  const id = section.dataset.commandId;
  const objects = document.getElementById('objects-deleted');
  const phase = document.getElementById('clear-phase');
  const source = new EventSource(`/live/clear/${id}`);
  source.addEventListener('progress', (e) => {
    const p = JSON.parse(e.data);
    objects.textContent = String(p.objectsDeleted);
    phase.textContent = p.phase === 'rows' ? '(now removing the database rows)' : '';
  });
  source.addEventListener('cleared', (e) => {
    source.close();
    const r = JSON.parse(e.data);
    document.getElementById('clear-progress').hidden = true;
    if (r.error) {
      const box = document.getElementById('clear-error');
      box.querySelector('[data-count="error"]').textContent = r.error;
      box.hidden = false;
      return;
    }
    const box = document.getElementById('clear-result');
    for (const key of ['objects', 'images', 'users'])
      box.querySelector(`[data-count="${key}"]`).textContent = String(r[key]);
    box.querySelector('[data-count="seconds"]').textContent = (r.durationMs / 1000).toFixed(1);
    box.hidden = false;
    section.dataset.done = 'yes';
  });
})();
