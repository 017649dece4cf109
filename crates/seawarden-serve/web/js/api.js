// The server's HTTP API and WebSocket stream (all same-origin).

const TOKEN_KEY = 'seawarden.token';

/** The API token: `?token=` in the page URL (kept for the session), else none. */
function token() {
  const fromUrl = new URLSearchParams(location.search).get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Keeps an API token for this browser session. */
export function setToken(t) {
  if (t) sessionStorage.setItem(TOKEN_KEY, t);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** An API error with the server's message. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function request(method, path, body, accept = 'application/json') {
  const headers = { accept };
  const t = token();
  if (t) headers.authorization = `Bearer ${t}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 401) window.dispatchEvent(new CustomEvent('seawarden-auth'));
  if (!res.ok) {
    let msg = `${res.status} ${res.statusText}`;
    try {
      const text = await res.text();
      try {
        const j = JSON.parse(text);
        msg = j.error ?? j.message ?? msg;
      } catch {
        if (text) msg = text.slice(0, 300);
      }
    } catch {
      /* keep the status line */
    }
    throw new ApiError(res.status, msg);
  }
  if (accept !== 'application/json') return res.text();
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

export const api = {
  health: () => request('GET', '/api/health'),
  vessels: (bbox) => request('GET', `/api/vessels?bbox=${bbox.map((v) => v.toFixed(4)).join(',')}`),
  vessel: (mmsi) => request('GET', `/api/vessels/${encodeURIComponent(mmsi)}?track=true`),
  alerts: (params = {}) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
    return request('GET', `/api/alerts?${q}`);
  },
  ack: (id) => request('POST', `/api/alerts/${encodeURIComponent(id)}/ack`, {}),
  comment: (id, text) => request('POST', `/api/alerts/${encodeURIComponent(id)}/comments`, { text }),
  infrastructure: () => request('GET', '/api/infrastructure'),
  basemap: () => request('GET', '/api/basemap'),
  investigate: (body) => request('POST', '/api/investigations', body),
  investigations: () => request('GET', '/api/investigations'),
  investigation: (id) => request('GET', `/api/investigations/${encodeURIComponent(id)}`),
  report: (id) => request('GET', `/api/investigations/${encodeURIComponent(id)}/report`, undefined, 'text/html'),
};

/**
 * The live stream for an area: calls onMessage with each parsed message and
 * onState('live' | 'connecting' | 'down'); reconnects with backoff. Returns
 * { setBbox(bbox), close() }.
 */
export function stream(bbox, onMessage, onState) {
  let ws = null;
  let closed = false;
  let retry = 500;
  let timer = null;
  let current = bbox;

  const url = () => {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const q = new URLSearchParams({ bbox: current.map((v) => v.toFixed(4)).join(',') });
    const t = token();
    if (t) q.set('token', t);
    return `${proto}//${location.host}/api/stream?${q}`;
  };

  const connect = () => {
    if (closed) return;
    onState('connecting');
    const sock = new WebSocket(url());
    ws = sock;
    sock.onopen = () => {
      retry = 500;
      onState('live');
    };
    sock.onmessage = (ev) => {
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return; // not JSON: ignore rather than stop the stream
      }
      onMessage(msg);
    };
    sock.onclose = () => {
      if (ws !== sock) return; // replaced by a new bbox
      ws = null;
      if (closed) return;
      onState('down');
      timer = setTimeout(connect, retry);
      retry = Math.min(retry * 2, 15000);
    };
  };
  connect();

  return {
    setBbox(b) {
      current = b;
      const old = ws;
      ws = null;
      clearTimeout(timer);
      if (old) old.close();
      connect();
    },
    close() {
      closed = true;
      clearTimeout(timer);
      if (ws) ws.close();
    },
  };
}
