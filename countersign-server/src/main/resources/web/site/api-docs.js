// Renders /openapi.json as a list of operations. Text goes in through textContent only; `code` spans in summaries
// (written in the fragments as Markdown backticks) become <code> elements instead of literal backticks.
function withCode(parent, text) {
  const parts = (text || '').split('`');
  parts.forEach((part, i) => {
    if (i % 2 === 1) {
      const code = document.createElement('code');
      code.textContent = part;
      parent.appendChild(code);
    } else if (part) {
      parent.appendChild(document.createTextNode(part));
    }
  });
}

fetch('/openapi.json').then(r => r.json()).then(doc => {
  document.getElementById('title').textContent = doc.info.title + ' ' + doc.info.version;
  withCode(document.getElementById('desc'), doc.info.description);
  const ops = document.getElementById('ops');
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const div = document.createElement('div');
      div.className = 'op';
      const auth = document.createElement('span');
      auth.className = 'auth';
      auth.textContent = op.security && op.security.length === 0 ? 'public'
        : (op.security ? Object.keys(op.security[0]).join(', ') : 'relying-party key or client certificate');
      const m = document.createElement('span');
      m.className = 'm ' + method;
      m.textContent = method;
      const p = document.createElement('code');
      p.textContent = path;
      const summary = document.createElement('div');
      withCode(summary, op.summary);
      div.append(auth, m, ' ', p, summary);
      ops.appendChild(div);
    }
  }
});
